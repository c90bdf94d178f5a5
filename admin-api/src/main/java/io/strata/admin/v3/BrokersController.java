package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.service.BrokerService;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.LogDirService;
import io.strata.admin.v3.model.BrokerData;
import io.strata.admin.v3.model.BrokerDataList;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.Relationship;
import io.strata.admin.v3.model.ResourceMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.kafka.common.Node;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/brokers", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Broker (v3)")
public class BrokersController {
    private final ClusterService clusters;
    private final BrokerService brokers;
    private final LogDirService logDirs;

    public BrokersController(ClusterService clusters, BrokerService brokers, LogDirService logDirs) {
        this.clusters = clusters;
        this.brokers = brokers;
        this.logDirs = logDirs;
    }

    @GetMapping
    @Operation(operationId = "listKafkaBrokers", summary = "List Brokers",
            description = "Returns the live brokers of the cluster, in broker id order, each with the software "
                    + "version it runs and its log dirs with their sizes (Strata extensions: software_version, log_dirs).")
    @ApiResponse(responseCode = "200", description = "The brokers.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public BrokerDataList listBrokers(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId) {
        clusters.requireCluster(clusterId);
        List<Node> nodes = brokers.list();
        Map<Integer, String> versions = brokers.softwareVersions(nodes);
        Map<Integer, List<LogDirService.LogDir>> dirs = logDirs.dirsOn(nodes.stream().map(Node::id).toList());
        return new BrokerDataList("KafkaBrokerList", CollectionMetadata.of(V3Urls.cluster(clusterId, "brokers")),
                nodes.stream().map(node -> toData(clusterId, node, versions.get(node.id()), dirs.get(node.id())))
                        .toList());
    }

    @GetMapping("/{broker_id}")
    @Operation(operationId = "getKafkaBroker", summary = "Get Broker",
            description = "Returns the broker with the given id: its host, port, rack and (Strata extensions) the "
                    + "software version it runs and its log dirs with their sizes.")
    @ApiResponse(responseCode = "200", description = "The broker.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster, or no live broker with this id.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public BrokerData getBroker(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The broker ID.") @PathVariable("broker_id") int brokerId) {
        clusters.requireCluster(clusterId);
        Node node = brokers.get(brokerId);
        return toData(clusterId, node, brokers.softwareVersions(List.of(node)).get(node.id()),
                logDirs.dirsOn(List.of(node.id())).get(node.id()));
    }

    static BrokerData toData(String clusterId, Node node, String softwareVersion, List<LogDirService.LogDir> dirs) {
        String id = Integer.toString(node.id());
        return new BrokerData("KafkaBroker",
                new ResourceMetadata(V3Urls.cluster(clusterId, "brokers", id), V3Urls.crn(clusterId, "broker", id)),
                clusterId, node.id(), node.host(), node.port(), node.rack(),
                Relationship.to(V3Urls.cluster(clusterId, "brokers", id, "configs")),
                Relationship.to(V3Urls.cluster(clusterId, "brokers", id, "partition-replicas")), softwareVersion,
                dirs == null ? null : dirs.stream().map(d -> new BrokerData.LogDir(d.path(), d.sizeBytes(), d.error()))
                        .toList());
    }
}
