package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.service.BrokerConfigService;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.ConfigChange;
import io.strata.admin.v3.model.AlterConfigBatchRequestData;
import io.strata.admin.v3.model.ClusterConfigData;
import io.strata.admin.v3.model.ClusterConfigDataList;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.ResourceMetadata;
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

import java.util.List;

/** Cluster-wide dynamic broker configs: the defaults of every broker, Kafka's {@code ConfigResource(BROKER, "")}. */
@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Configs (v3)")
public class ClusterConfigsController {
    private static final String DYNAMIC_DEFAULTS = " A cluster-wide default applies on every broker that has no value of "
            + "its own, without a restart. " + BrokerConfigsController.DYNAMIC;

    private final ClusterService clusters;
    private final BrokerConfigService configs;

    public ClusterConfigsController(ClusterService clusters, BrokerConfigService configs) {
        this.clusters = clusters;
        this.configs = configs;
    }

    @GetMapping("/broker-configs")
    @Operation(operationId = "listKafkaClusterConfigs", summary = "List Dynamic Broker Configs",
            description = "Returns the cluster-wide dynamic broker configs that are set; an empty list when none is.")
    @ApiResponse(responseCode = "200", description = "The cluster-wide dynamic broker configs.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ClusterConfigDataList listClusterConfigs(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId) {
        clusters.requireCluster(clusterId);
        return new ClusterConfigDataList("KafkaClusterConfigList",
                CollectionMetadata.of(V3Urls.cluster(clusterId, "broker-configs")),
                configs.listClusterDefaults().stream().map(e -> toData(clusterId, e)).toList());
    }

    @PostMapping(path = "/broker-configs:alter", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "updateKafkaClusterConfigs", summary = "Batch Alter Dynamic Broker Configs",
            description = "Sets or deletes several cluster-wide dynamic broker configs at once." + DYNAMIC_DEFAULTS)
    @ApiResponse(responseCode = "204", description = "The configs were altered.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void alterClusterConfigs(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @RequestBody AlterConfigBatchRequestData request) {
        clusters.requireCluster(clusterId);
        configs.alterClusterDefaults(BrokerConfigsController.changes(request),
                BrokerConfigsController.validateOnly(request));
    }

    @GetMapping("/broker-configs/{name}")
    @Operation(operationId = "getKafkaClusterConfig", summary = "Get Dynamic Broker Config",
            description = "Returns one cluster-wide dynamic broker config; 404 when it is not set.")
    @ApiResponse(responseCode = "200", description = "The config.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster, or no such cluster-wide config is set.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ClusterConfigData getClusterConfig(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The configuration parameter name.") @PathVariable("name") String name) {
        clusters.requireCluster(clusterId);
        return toData(clusterId, configs.getClusterDefault(name));
    }

    @PutMapping(path = "/broker-configs/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "updateKafkaClusterConfig", summary = "Update Dynamic Broker Config",
            description = "Sets one cluster-wide dynamic broker config." + DYNAMIC_DEFAULTS)
    @ApiResponse(responseCode = "204", description = "The config was set.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void updateClusterConfig(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The configuration parameter name.") @PathVariable("name") String name,
            @RequestBody UpdateConfigRequestData request) {
        clusters.requireCluster(clusterId);
        configs.alterClusterDefaults(List.of(ConfigChange.set(name, request.value())), false);
    }

    @DeleteMapping("/broker-configs/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteKafkaClusterConfig", summary = "Reset Dynamic Broker Config",
            description = "Deletes one cluster-wide dynamic broker config, so brokers fall back to their own "
                    + "setting or the default." + DYNAMIC_DEFAULTS)
    @ApiResponse(responseCode = "204", description = "The config was reset.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void deleteClusterConfig(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The configuration parameter name.") @PathVariable("name") String name) {
        clusters.requireCluster(clusterId);
        configs.alterClusterDefaults(List.of(ConfigChange.delete(name)), false);
    }

    static ClusterConfigData toData(String clusterId, ConfigEntry entry) {
        return new ClusterConfigData("KafkaClusterConfig",
                new ResourceMetadata(V3Urls.cluster(clusterId, "broker-configs", entry.name()),
                        V3Urls.crn(clusterId, "broker-config", entry.name())),
                clusterId, "BROKER", entry.name(), entry.value(), entry.isDefault(), entry.isReadOnly(),
                entry.isSensitive(), ConfigEntries.source(entry.source()), ConfigEntries.synonyms(entry));
    }
}
