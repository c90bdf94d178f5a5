package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.ConfigChange;
import io.strata.admin.service.TopicConfigService;
import io.strata.admin.v3.model.AlterConfigBatchRequestData;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.ResourceMetadata;
import io.strata.admin.v3.model.TopicConfigData;
import io.strata.admin.v3.model.TopicConfigDataList;
import io.strata.admin.v3.model.UpdateConfigRequestData;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;

/** Topic configs: read one, all of a topic or of every topic; set, reset, or alter a batch atomically. */
@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/topics", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Configs (v3)")
public class TopicConfigsController {
    private final ClusterService clusters;
    private final TopicConfigService configs;

    public TopicConfigsController(ClusterService clusters, TopicConfigService configs) {
        this.clusters = clusters;
        this.configs = configs;
    }

    @GetMapping("/-/configs")
    @Operation(operationId = "listKafkaAllTopicConfigs", summary = "List All Topic Configs",
            description = "Returns the configs of every topic of the cluster, by topic and config name.")
    public TopicConfigDataList listAllTopicConfigs(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId) {
        clusters.requireCluster(clusterId);
        List<TopicConfigData> data = new ArrayList<>();
        configs.listAll().forEach((topic, entries) -> entries.forEach(e -> data.add(toData(clusterId, topic, e))));
        return new TopicConfigDataList("KafkaTopicConfigList",
                CollectionMetadata.of(V3Urls.cluster(clusterId, "topics", "-", "configs")), data);
    }

    @GetMapping("/{topic_name}/configs")
    @Operation(operationId = "listKafkaTopicConfigs", summary = "List Topic Configs",
            description = "Returns every config of the topic, by name, with its source and synonyms.")
    @ApiResponse(responseCode = "200", description = "The topic's configs.",
            content = @Content(schema = @Schema(implementation = TopicConfigDataList.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic (error_code 40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public TopicConfigDataList listTopicConfigs(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName) {
        clusters.requireCluster(clusterId);
        List<TopicConfigData> data = configs.list(topicName).stream().map(e -> toData(clusterId, topicName, e)).toList();
        return new TopicConfigDataList("KafkaTopicConfigList",
                CollectionMetadata.of(V3Urls.cluster(clusterId, "topics", topicName, "configs")), data);
    }

    @PostMapping(path = "/{topic_name}/configs:alter", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "updateKafkaTopicConfigBatch", summary = "Batch Alter Topic Configs",
            description = "Sets (operation SET, the default) or resets (DELETE) several configs of the topic at "
                    + "once, all or none. With validate_only true the broker only checks the changes. Invalid "
                    + "values answer 400 with error_code 40002 and the broker's message.")
    @ApiResponse(responseCode = "204", description = "No Content")
    @ApiResponse(responseCode = "404", description = "Not found: no such topic (error_code 40403) or config (404).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void alterTopicConfigs(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @RequestBody AlterConfigBatchRequestData request) {
        clusters.requireCluster(clusterId);
        if (request.data() == null) {
            throw RestException.badRequest("data is required");
        }
        List<ConfigChange> changes = request.data().stream()
                .map(e -> {
                    if (e == null) {
                        throw RestException.badRequest("A config change must be an object");
                    }
                    return ConfigChange.parse(e.name(), e.value(), e.operation());
                })
                .toList();
        configs.alter(topicName, changes, Boolean.TRUE.equals(request.validateOnly()));
    }

    @GetMapping("/{topic_name}/configs/{name}")
    @Operation(operationId = "getKafkaTopicConfig", summary = "Get Topic Config",
            description = "Returns the topic's config with the given name, with its source and synonyms.")
    @ApiResponse(responseCode = "200", description = "The topic config.",
            content = @Content(schema = @Schema(implementation = TopicConfigData.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic (error_code 40403) or config (404).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public TopicConfigData getTopicConfig(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The configuration parameter name.") @PathVariable("name") String name) {
        clusters.requireCluster(clusterId);
        return toData(clusterId, topicName, configs.get(topicName, name));
    }

    @PutMapping(path = "/{topic_name}/configs/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "updateKafkaTopicConfig", summary = "Update Topic Config",
            description = "Sets the topic's config to the given value. An invalid value answers 400 with "
                    + "error_code 40002 and the broker's message.")
    @ApiResponse(responseCode = "204", description = "No Content")
    @ApiResponse(responseCode = "404", description = "Not found: no such topic (error_code 40403) or config (404).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void updateTopicConfig(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The configuration parameter name.") @PathVariable("name") String name,
            @RequestBody UpdateConfigRequestData request) {
        clusters.requireCluster(clusterId);
        configs.alter(topicName, List.of(ConfigChange.set(name, request.value())), false);
    }

    @DeleteMapping("/{topic_name}/configs/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteKafkaTopicConfig", summary = "Reset Topic Config",
            description = "Resets the topic's config to its default by removing the topic's own value.")
    @ApiResponse(responseCode = "204", description = "No Content")
    @ApiResponse(responseCode = "404", description = "Not found: no such topic (error_code 40403) or config (404).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void resetTopicConfig(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The configuration parameter name.") @PathVariable("name") String name) {
        clusters.requireCluster(clusterId);
        configs.alter(topicName, List.of(ConfigChange.delete(name)), false);
    }

    static TopicConfigData toData(String clusterId, String topic, ConfigEntry entry) {
        return new TopicConfigData("KafkaTopicConfig",
                new ResourceMetadata(V3Urls.cluster(clusterId, "topics", topic, "configs", entry.name()),
                        V3Urls.crn(clusterId, "topic", topic, "config", entry.name())),
                clusterId, topic, entry.name(), entry.value(), entry.isDefault(), entry.isReadOnly(),
                entry.isSensitive(), ConfigEntries.source(entry.source()), ConfigEntries.synonyms(entry),
                entry.documentation());
    }
}
