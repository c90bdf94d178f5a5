package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.service.BrokerConfigService;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.ConfigChange;
import io.strata.admin.v3.model.AlterConfigBatchRequestData;
import io.strata.admin.v3.model.BrokerConfigData;
import io.strata.admin.v3.model.BrokerConfigDataList;
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

@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/brokers", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Configs (v3)")
public class BrokerConfigsController {
    /** Which broker configs the brokers take dynamically, and how they refuse the others. */
    static final String DYNAMIC = "The dynamic broker configs are the broker-wide defaults of the topic configs "
            + "(log.retention.ms, log.segment.bytes, log.cleanup.policy, compression.type, min.insync.replicas, ...); "
            + "they apply at once without a restart. Read-only configs (listeners, log.dirs, ...), unknown names and "
            + "invalid values are refused with 400/40002.";

    private final ClusterService clusters;
    private final BrokerConfigService configs;

    public BrokerConfigsController(ClusterService clusters, BrokerConfigService configs) {
        this.clusters = clusters;
        this.configs = configs;
    }

    @GetMapping("/-/configs")
    @Operation(operationId = "listKafkaAllBrokersConfigs", summary = "List Configs of All Brokers",
            description = "Returns the configs of every live broker, in broker id order, each sorted by name.")
    @ApiResponse(responseCode = "200", description = "The configs of every broker.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public BrokerConfigDataList listAllBrokersConfigs(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId) {
        clusters.requireCluster(clusterId);
        return new BrokerConfigDataList("KafkaBrokerConfigList",
                CollectionMetadata.of(V3Urls.cluster(clusterId, "brokers", "-", "configs")),
                configs.listAll().stream().map(c -> toData(clusterId, c.brokerId(), c.entry())).toList());
    }

    @GetMapping("/{broker_id}/configs")
    @Operation(operationId = "listKafkaBrokerConfigs", summary = "List Broker Configs",
            description = "Returns the configs of one broker, sorted by name, with their sources and synonyms.")
    @ApiResponse(responseCode = "200", description = "The broker's configs.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster or broker.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public BrokerConfigDataList listBrokerConfigs(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The broker ID.") @PathVariable("broker_id") int brokerId) {
        clusters.requireCluster(clusterId);
        return new BrokerConfigDataList("KafkaBrokerConfigList",
                CollectionMetadata.of(V3Urls.cluster(clusterId, "brokers", Integer.toString(brokerId), "configs")),
                configs.list(brokerId).stream().map(e -> toData(clusterId, brokerId, e)).toList());
    }

    @PostMapping(path = "/{broker_id}/configs:alter", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "updateKafkaBrokerConfigBatch", summary = "Batch Alter Broker Configs",
            description = "Sets or deletes several configs of one broker at once (or only validates them with "
                    + "validate_only). " + DYNAMIC)
    @ApiResponse(responseCode = "204", description = "The configs were altered.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster, broker or config name.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void alterBrokerConfigs(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The broker ID.") @PathVariable("broker_id") int brokerId,
            @RequestBody AlterConfigBatchRequestData request) {
        clusters.requireCluster(clusterId);
        configs.alter(brokerId, changes(request), validateOnly(request));
    }

    @GetMapping("/{broker_id}/configs/{name}")
    @Operation(operationId = "getKafkaBrokerConfig", summary = "Get Broker Config",
            description = "Returns one config of a broker with its source and synonyms.")
    @ApiResponse(responseCode = "200", description = "The config.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster, broker or config name.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public BrokerConfigData getBrokerConfig(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The broker ID.") @PathVariable("broker_id") int brokerId,
            @Parameter(description = "The configuration parameter name.") @PathVariable("name") String name) {
        clusters.requireCluster(clusterId);
        return toData(clusterId, brokerId, configs.get(brokerId, name));
    }

    @PutMapping(path = "/{broker_id}/configs/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "updateKafkaBrokerConfig", summary = "Update Broker Config",
            description = "Sets one config of a broker. " + DYNAMIC)
    @ApiResponse(responseCode = "204", description = "The config was set.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster, broker or config name.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void updateBrokerConfig(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The broker ID.") @PathVariable("broker_id") int brokerId,
            @Parameter(description = "The configuration parameter name.") @PathVariable("name") String name,
            @RequestBody UpdateConfigRequestData request) {
        clusters.requireCluster(clusterId);
        configs.alter(brokerId, List.of(ConfigChange.set(name, request.value())), false);
    }

    @DeleteMapping("/{broker_id}/configs/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteKafkaBrokerConfig", summary = "Reset Broker Config",
            description = "Resets one config of a broker to its default by deleting its dynamic value.")
    @ApiResponse(responseCode = "204", description = "The config was reset.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster, broker or config name.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void deleteBrokerConfig(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The broker ID.") @PathVariable("broker_id") int brokerId,
            @Parameter(description = "The configuration parameter name.") @PathVariable("name") String name) {
        clusters.requireCluster(clusterId);
        configs.alter(brokerId, List.of(ConfigChange.delete(name)), false);
    }

    static BrokerConfigData toData(String clusterId, int brokerId, ConfigEntry entry) {
        String broker = Integer.toString(brokerId);
        return new BrokerConfigData("KafkaBrokerConfig",
                new ResourceMetadata(V3Urls.cluster(clusterId, "brokers", broker, "configs", entry.name()),
                        V3Urls.crn(clusterId, "broker", broker, "config", entry.name())),
                clusterId, brokerId, entry.name(), entry.value(), entry.isDefault(), entry.isReadOnly(),
                entry.isSensitive(), ConfigEntries.source(entry.source()), ConfigEntries.synonyms(entry));
    }

    /** The changes of a {@code configs:alter} body; 400 without {@code data}. */
    static List<ConfigChange> changes(AlterConfigBatchRequestData request) {
        if (request.data() == null) {
            throw RestException.badRequest("The request needs data: the list of config changes");
        }
        return request.data().stream().map(e -> {
            if (e == null) {
                throw RestException.badRequest("A config change must be an object");
            }
            return ConfigChange.parse(e.name(), e.value(), e.operation());
        }).toList();
    }

    static boolean validateOnly(AlterConfigBatchRequestData request) {
        return Boolean.TRUE.equals(request.validateOnly());
    }
}
