package io.strata.admin.v3;

import io.strata.admin.service.ClusterService;
import io.strata.admin.v3.model.ClusterData;
import io.strata.admin.v3.model.ClusterDataList;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.Relationship;
import io.strata.admin.v3.model.ResourceMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping(path = "/v3/clusters", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Cluster (v3)")
public class ClustersController {
    private final ClusterService clusters;

    public ClustersController(ClusterService clusters) {
        this.clusters = clusters;
    }

    @GetMapping
    @Operation(operationId = "listKafkaClusters", summary = "List Clusters",
            description = "Returns the Kafka clusters this server knows: only the one it is part of.")
    public ClusterDataList listClusters() {
        ClusterService.ClusterView view = clusters.describe();
        return new ClusterDataList("KafkaClusterList", CollectionMetadata.of(V3Urls.of("clusters")),
                List.of(toData(view, clusters.partitionHealth())));
    }

    @GetMapping("/{cluster_id}")
    @Operation(operationId = "getKafkaCluster", summary = "Get Cluster",
            description = "Returns the Kafka cluster with the given id, with links to its controller, brokers, "
                    + "topics, consumer groups, ACLs and configs. Strata extension: the counts of under-replicated, "
                    + "under-min-ISR and offline partitions (under_replicated_partitions_count, "
                    + "under_min_isr_partitions_count, offline_partitions_count).")
    public ClusterData getCluster(@Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId) {
        clusters.requireCluster(clusterId);
        return toData(clusters.describe(), clusters.partitionHealth());
    }

    static ClusterData toData(ClusterService.ClusterView view, ClusterService.PartitionHealth health) {
        String id = view.clusterId();
        return new ClusterData("KafkaCluster",
                new ResourceMetadata(V3Urls.cluster(id), V3Urls.crn(id)),
                id,
                view.controller() == null ? null
                        : Relationship.to(V3Urls.cluster(id, "brokers", Integer.toString(view.controller().id()))),
                Relationship.to(V3Urls.cluster(id, "acls")),
                Relationship.to(V3Urls.cluster(id, "brokers")),
                Relationship.to(V3Urls.cluster(id, "broker-configs")),
                Relationship.to(V3Urls.cluster(id, "consumer-groups")),
                Relationship.to(V3Urls.cluster(id, "topics")),
                Relationship.to(V3Urls.cluster(id, "topics", "-", "partitions", "-", "reassignment")),
                health.underReplicated(), health.underMinIsr(), health.offline());
    }
}
