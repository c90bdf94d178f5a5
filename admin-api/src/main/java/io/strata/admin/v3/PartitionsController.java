package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.LogDirService;
import io.strata.admin.service.PartitionService;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.PartitionData;
import io.strata.admin.v3.model.PartitionDataList;
import io.strata.admin.v3.model.PartitionWithOffsetsData;
import io.strata.admin.v3.model.Relationship;
import io.strata.admin.v3.model.ResourceMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/topics/{topic_name}/partitions",
        produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Partition (v3)")
public class PartitionsController {
    private final ClusterService clusters;
    private final PartitionService partitions;
    private final LogDirService logDirs;

    public PartitionsController(ClusterService clusters, PartitionService partitions, LogDirService logDirs) {
        this.clusters = clusters;
        this.partitions = partitions;
        this.logDirs = logDirs;
    }

    @GetMapping
    @Operation(operationId = "listKafkaPartitions", summary = "List Partitions",
            description = "Returns the topic's partitions, by id, with links to their leader and replicas.")
    @ApiResponse(responseCode = "200", description = "The topic's partitions.",
            content = @Content(schema = @Schema(implementation = PartitionDataList.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic (error_code 40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public PartitionDataList listPartitions(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName) {
        clusters.requireCluster(clusterId);
        List<TopicPartitionInfo> all = partitions.partitions(topicName);
        LogDirService.ReplicaSizes sizes = logDirs.sizes();
        List<PartitionData> data = all.stream().map(p -> toData(clusterId, topicName, p, sizes)).toList();
        return new PartitionDataList("KafkaPartitionList",
                CollectionMetadata.of(V3Urls.cluster(clusterId, "topics", topicName, "partitions")), data);
    }

    @GetMapping("/{partition_id}")
    @Operation(operationId = "getKafkaPartition", summary = "Get Partition",
            description = "Returns the partition with the given id, with links to its leader and replicas.")
    @ApiResponse(responseCode = "200", description = "The partition.",
            content = @Content(schema = @Schema(implementation = PartitionData.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic or partition (error_code 40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public PartitionData getPartition(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The partition ID.") @PathVariable("partition_id") int partitionId) {
        clusters.requireCluster(clusterId);
        return toData(clusterId, topicName, partitions.partition(topicName, partitionId), logDirs.sizes());
    }

    @GetMapping("/{partition_id}/offset")
    @Operation(operationId = "listKafkaPartitionOffsets", summary = "List Partition Offsets",
            description = "Returns the partition's earliest offset and its latest offset (the next one to be "
                    + "written), as its leader reports them.")
    @ApiResponse(responseCode = "200", description = "The partition's earliest and latest offsets.",
            content = @Content(schema = @Schema(implementation = PartitionWithOffsetsData.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic or partition (error_code 40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public PartitionWithOffsetsData listPartitionOffsets(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The partition ID.") @PathVariable("partition_id") int partitionId,
            @Parameter(description = "Specify the offset type to be fetched for a given partition: earliest or "
                    + "latest. Both offsets are always returned.")
            @RequestParam(name = "offset_type", required = false) String offsetType) {
        clusters.requireCluster(clusterId);
        if (offsetType != null && !offsetType.equalsIgnoreCase("earliest") && !offsetType.equalsIgnoreCase("latest")) {
            throw RestException.badRequest("Invalid offset type: " + offsetType + " (expected earliest or latest)");
        }
        PartitionService.Offsets offsets = partitions.offsets(topicName, partitionId);
        String partition = Integer.toString(partitionId);
        return new PartitionWithOffsetsData("KafkaPartitionWithOffsets",
                new ResourceMetadata(V3Urls.cluster(clusterId, "topics", topicName, "partitions", partition, "offset"),
                        V3Urls.crn(clusterId, "topic", topicName, "partition", partition) + "/offset"),
                clusterId, topicName, partitionId, offsets.earliest(), offsets.latest());
    }

    static PartitionData toData(String clusterId, String topic, TopicPartitionInfo partition,
                                LogDirService.ReplicaSizes sizes) {
        String id = Integer.toString(partition.partition());
        Node leader = partition.leader();
        return new PartitionData("KafkaPartition",
                new ResourceMetadata(V3Urls.cluster(clusterId, "topics", topic, "partitions", id),
                        V3Urls.crn(clusterId, "topic", topic, "partition", id)),
                clusterId, topic, partition.partition(),
                leader == null || leader.isEmpty() ? null : Relationship.to(
                        V3Urls.cluster(clusterId, "topics", topic, "partitions", id, "replicas",
                                Integer.toString(leader.id()))),
                Relationship.to(V3Urls.cluster(clusterId, "topics", topic, "partitions", id, "replicas")),
                Relationship.to(V3Urls.cluster(clusterId, "topics", topic, "partitions", id, "reassignment")),
                sizes.partition(topic, partition));
    }
}
