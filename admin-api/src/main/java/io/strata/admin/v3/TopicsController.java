package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.LogDirService;
import io.strata.admin.service.TopicService;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.CreateTopicRequestData;
import io.strata.admin.v3.model.Relationship;
import io.strata.admin.v3.model.ResourceMetadata;
import io.strata.admin.v3.model.TopicData;
import io.strata.admin.v3.model.TopicDataList;
import io.strata.admin.v3.model.UpdatePartitionCountRequestData;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.kafka.clients.admin.TopicDescription;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/topics", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Topic (v3)")
public class TopicsController {
    private final ClusterService clusters;
    private final TopicService topics;
    private final LogDirService logDirs;

    public TopicsController(ClusterService clusters, TopicService topics, LogDirService logDirs) {
        this.clusters = clusters;
        this.topics = topics;
        this.logDirs = logDirs;
    }

    @GetMapping
    @Operation(operationId = "listKafkaTopics", summary = "List Topics",
            description = "Returns the topics of the cluster, internal ones included, by name.")
    public TopicDataList listTopics(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "Strata extension (not in Confluent v3): true adds each topic's offset_span, "
                    + "read with two ListOffsets requests for all partitions.")
            @RequestParam(name = "include_offset_span", required = false) Boolean includeOffsetSpan) {
        clusters.requireCluster(clusterId);
        LogDirService.ReplicaSizes sizes = logDirs.sizes();
        List<TopicDescription> described = topics.list();
        Map<String, Long> spans = Boolean.TRUE.equals(includeOffsetSpan) ? topics.offsetSpans(described) : Map.of();
        List<TopicData> data = described.stream()
                .map(t -> toData(clusterId, t, sizes).withOffsetSpan(spans.get(t.name()))).toList();
        return new TopicDataList("KafkaTopicList", CollectionMetadata.of(V3Urls.cluster(clusterId, "topics")), data);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "createKafkaTopic", summary = "Create Topic",
            description = "Creates a topic. Absent partitions_count and replication_factor take the broker's "
                    + "defaults; replicas_assignments places each partition's replicas explicitly instead. With "
                    + "validate_only true, only checks that the topic could be created (200, nothing created). "
                    + "An existing topic, an invalid config or partition count answer 400 with error_code 40002.")
    @ApiResponse(responseCode = "201", description = "The created topic.",
            content = @Content(schema = @Schema(implementation = TopicData.class)))
    @ApiResponse(responseCode = "200", description = "validate_only: the topic as it would be created.",
            content = @Content(schema = @Schema(implementation = TopicData.class)))
    public ResponseEntity<TopicData> createTopic(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @RequestBody CreateTopicRequestData request) {
        clusters.requireCluster(clusterId);
        TopicService.TopicSpec spec = toSpec(request);
        TopicService.CreatedTopic created = topics.create(spec);
        TopicData data = toData(clusterId, created.name(), false, created.replicationFactor(), created.partitions(),
                null);
        if (spec.validateOnly()) {
            return ResponseEntity.ok(data);
        }
        return ResponseEntity.created(URI.create(data.metadata().self())).body(data);
    }

    @GetMapping("/{topic_name}")
    @Operation(operationId = "getKafkaTopic", summary = "Get Topic",
            description = "Returns the topic with the given name.")
    @ApiResponse(responseCode = "200", description = "The topic.",
            content = @Content(schema = @Schema(implementation = TopicData.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic (error_code 40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public TopicData getTopic(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "Accepted for compatibility; authorized operations are not reported.")
            @RequestParam(name = "include_authorized_operations", required = false) Boolean includeAuthorizedOperations) {
        clusters.requireCluster(clusterId);
        return toData(clusterId, topics.describe(topicName), logDirs.sizes());
    }

    @PatchMapping(path = "/{topic_name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "updatePartitionCountKafkaTopic", summary = "Update Partition Count",
            description = "Increases the topic's partition count to partitions_count and returns the topic. "
                    + "A count not above the current one answers 400 with error_code 40002.")
    @ApiResponse(responseCode = "200", description = "The topic.",
            content = @Content(schema = @Schema(implementation = TopicData.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic (error_code 40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public TopicData updatePartitionCount(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @RequestBody UpdatePartitionCountRequestData request) {
        clusters.requireCluster(clusterId);
        if (request.partitionsCount() == null) {
            throw RestException.badRequest("partitions_count is required");
        }
        return toData(clusterId, topics.increasePartitions(topicName, request.partitionsCount()), logDirs.sizes());
    }

    @DeleteMapping("/{topic_name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteKafkaTopic", summary = "Delete Topic",
            description = "Deletes the topic with the given name.")
    @ApiResponse(responseCode = "204", description = "No Content")
    @ApiResponse(responseCode = "404", description = "Not found: no such topic (error_code 40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void deleteTopic(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName) {
        clusters.requireCluster(clusterId);
        topics.delete(topicName);
    }

    static TopicData toData(String clusterId, TopicDescription topic, LogDirService.ReplicaSizes sizes) {
        int replicationFactor = topic.partitions().isEmpty() ? 0 : topic.partitions().get(0).replicas().size();
        return toData(clusterId, topic.name(), topic.isInternal(), replicationFactor, topic.partitions().size(),
                sizes.topic(topic.name(), topic.partitions()));
    }

    static TopicData toData(String clusterId, String topic, boolean internal, int replicationFactor, int partitions,
                            Long sizeBytes) {
        return new TopicData("KafkaTopic",
                new ResourceMetadata(V3Urls.cluster(clusterId, "topics", topic), V3Urls.crn(clusterId, "topic", topic)),
                clusterId, topic, internal, replicationFactor, partitions,
                Relationship.to(V3Urls.cluster(clusterId, "topics", topic, "partitions")),
                Relationship.to(V3Urls.cluster(clusterId, "topics", topic, "configs")),
                Relationship.to(V3Urls.cluster(clusterId, "topics", topic, "partitions", "-", "reassignment")),
                sizeBytes, null);
    }

    /** A topic the broker would refuse: answered as the broker's refusals are (400/40002). */
    private static RestException invalidTopic(String message) {
        return new RestException(HttpStatus.BAD_REQUEST, 40002, message);
    }

    private static TopicService.TopicSpec toSpec(CreateTopicRequestData request) {
        if (request.topicName() == null || request.topicName().isBlank()) {
            throw RestException.badRequest("topic_name is required");
        }
        Map<Integer, List<Integer>> assignments = new LinkedHashMap<>();
        if (request.replicasAssignments() != null) {
            request.replicasAssignments().forEach((partition, brokers) -> {
                try {
                    assignments.put(Integer.parseInt(partition.trim()), brokers == null ? List.of() : brokers);
                } catch (NumberFormatException e) {
                    throw RestException.badRequest("replicas_assignments keys are partition ids; '" + partition
                            + "' is not a number");
                }
            });
        }
        if (!assignments.isEmpty() && (request.partitionsCount() != null || request.replicationFactor() != null)) {
            throw RestException.badRequest("replicas_assignments cannot be combined with partitions_count or "
                    + "replication_factor");
        }
        // Kafka reads -1 as "the broker's default": over HTTP an absent field says that, so negative numbers are
        // refused here; 0 and too large values reach the broker, which explains its refusal.
        if (request.partitionsCount() != null && request.partitionsCount() < 0) {
            throw invalidTopic("Number of partitions must be larger than 0, was " + request.partitionsCount() + ".");
        }
        if (request.replicationFactor() != null
                && (request.replicationFactor() < 0 || request.replicationFactor() > Short.MAX_VALUE)) {
            throw invalidTopic("Replication factor must be between 1 and " + Short.MAX_VALUE + ", was "
                    + request.replicationFactor() + ".");
        }
        Map<String, String> configs = new HashMap<>();
        if (request.configs() != null) {
            for (CreateTopicRequestData.ConfigValue config : request.configs()) {
                if (config == null || config.name() == null || config.name().isBlank()) {
                    throw RestException.badRequest("Every config needs a name");
                }
                configs.put(config.name(), config.value());
            }
        }
        return new TopicService.TopicSpec(request.topicName(), Optional.ofNullable(request.partitionsCount()),
                Optional.ofNullable(request.replicationFactor()), assignments, configs,
                Boolean.TRUE.equals(request.validateOnly()));
    }
}
