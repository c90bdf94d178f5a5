package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.LogDirService;
import io.strata.admin.service.PartitionService;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.Relationship;
import io.strata.admin.v3.model.ReplicaData;
import io.strata.admin.v3.model.ReplicaDataList;
import io.strata.admin.v3.model.ResourceMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** A partition's replicas, and every replica on one broker. */
@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Replica (v3)")
public class ReplicasController {
    private final ClusterService clusters;
    private final PartitionService partitions;
    private final LogDirService logDirs;

    public ReplicasController(ClusterService clusters, PartitionService partitions, LogDirService logDirs) {
        this.clusters = clusters;
        this.partitions = partitions;
        this.logDirs = logDirs;
    }

    @GetMapping("/topics/{topic_name}/partitions/{partition_id}/replicas")
    @Operation(operationId = "listKafkaReplicas", summary = "List Replicas",
            description = "Returns the partition's replicas in assignment order (the first is the preferred "
                    + "leader), each saying whether it leads and whether it is in sync.")
    @ApiResponse(responseCode = "200", description = "The replicas.",
            content = @Content(schema = @Schema(implementation = ReplicaDataList.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic or partition (error_code 40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ReplicaDataList listReplicas(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The partition ID.") @PathVariable("partition_id") int partitionId) {
        clusters.requireCluster(clusterId);
        LogDirService.ReplicaSizes sizes = logDirs.sizes();
        List<ReplicaData> data = PartitionService.Replica.of(topicName, partitions.partition(topicName, partitionId))
                .stream().map(r -> toData(clusterId, r, sizes)).toList();
        return new ReplicaDataList("KafkaReplicaList", CollectionMetadata.of(V3Urls.cluster(clusterId, "topics",
                topicName, "partitions", Integer.toString(partitionId), "replicas")), data);
    }

    @GetMapping("/topics/{topic_name}/partitions/{partition_id}/replicas/{broker_id}")
    @Operation(operationId = "getKafkaReplica", summary = "Get Replica",
            description = "Returns the partition's replica on the given broker.")
    @ApiResponse(responseCode = "200", description = "The replica.",
            content = @Content(schema = @Schema(implementation = ReplicaData.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic or partition (error_code 40403), "
            + "or no replica on that broker (404).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ReplicaData getReplica(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The partition ID.") @PathVariable("partition_id") int partitionId,
            @Parameter(description = "The broker ID.") @PathVariable("broker_id") int brokerId) {
        clusters.requireCluster(clusterId);
        return PartitionService.Replica.of(topicName, partitions.partition(topicName, partitionId)).stream()
                .filter(r -> r.brokerId() == brokerId).findFirst()
                .map(r -> toData(clusterId, r, logDirs.sizesOn(List.of(brokerId))))
                .orElseThrow(() -> RestException.notFound("Partition " + partitionId + " of topic " + topicName
                        + " has no replica on broker " + brokerId + "."));
    }

    @GetMapping("/brokers/{broker_id}/partition-replicas")
    @Operation(operationId = "searchKafkaReplicasByBroker", summary = "List Replicas by Broker",
            description = "Returns every replica the broker holds, by topic and partition.")
    @ApiResponse(responseCode = "200", description = "The replicas.",
            content = @Content(schema = @Schema(implementation = ReplicaDataList.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such broker (404).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ReplicaDataList listReplicasByBroker(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The broker ID.") @PathVariable("broker_id") int brokerId) {
        clusters.requireCluster(clusterId);
        List<PartitionService.Replica> replicas = partitions.replicasOn(brokerId);
        LogDirService.ReplicaSizes sizes = logDirs.sizesOn(List.of(brokerId));
        List<ReplicaData> data = replicas.stream().map(r -> toData(clusterId, r, sizes)).toList();
        return new ReplicaDataList("KafkaReplicaList", CollectionMetadata.of(
                V3Urls.cluster(clusterId, "brokers", Integer.toString(brokerId), "partition-replicas")), data);
    }

    static ReplicaData toData(String clusterId, PartitionService.Replica replica, LogDirService.ReplicaSizes sizes) {
        String partition = Integer.toString(replica.partition());
        String broker = Integer.toString(replica.brokerId());
        return new ReplicaData("KafkaReplica",
                new ResourceMetadata(V3Urls.cluster(clusterId, "topics", replica.topic(), "partitions", partition,
                        "replicas", broker),
                        V3Urls.crn(clusterId, "topic", replica.topic(), "partition", partition, "replica", broker)),
                clusterId, replica.topic(), replica.partition(), replica.brokerId(), replica.leader(),
                replica.inSync(), Relationship.to(V3Urls.cluster(clusterId, "brokers", broker)),
                sizes.replica(replica.topic(), replica.partition(), replica.brokerId()));
    }
}
