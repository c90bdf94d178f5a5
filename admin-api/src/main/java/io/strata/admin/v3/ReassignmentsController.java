package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.ReassignmentService;
import io.strata.admin.v3.model.AlterReassignmentRequestData;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.ReassignmentData;
import io.strata.admin.v3.model.ReassignmentDataList;
import io.strata.admin.v3.model.Relationship;
import io.strata.admin.v3.model.ResourceMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Ongoing replica reassignments (empty until the cluster serves reassignment), and starting one (Strata). */
@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/topics", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Partition (v3)")
public class ReassignmentsController {
    private final ClusterService clusters;
    private final ReassignmentService reassignments;

    public ReassignmentsController(ClusterService clusters, ReassignmentService reassignments) {
        this.clusters = clusters;
        this.reassignments = reassignments;
    }

    @GetMapping("/-/partitions/-/reassignment")
    @Operation(operationId = "listKafkaAllReplicaReassignments", summary = "List All Replica Reassignments",
            description = "Returns every ongoing replica reassignment of the cluster.")
    public ReassignmentDataList listAllReassignments(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId) {
        clusters.requireCluster(clusterId);
        return toList(clusterId, V3Urls.cluster(clusterId, "topics", "-", "partitions", "-", "reassignment"),
                reassignments.listAll());
    }

    @GetMapping("/{topic_name}/partitions/-/reassignment")
    @Operation(operationId = "searchKafkaReassignmentsByTopic", summary = "List Replica Reassignments By Topic",
            description = "Returns the ongoing replica reassignments of the topic's partitions.")
    @ApiResponse(responseCode = "200", description = "The ongoing reassignments.",
            content = @Content(schema = @Schema(implementation = ReassignmentDataList.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic (error_code 40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ReassignmentDataList listReassignmentsByTopic(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName) {
        clusters.requireCluster(clusterId);
        return toList(clusterId, V3Urls.cluster(clusterId, "topics", topicName, "partitions", "-", "reassignment"),
                reassignments.listByTopic(topicName));
    }

    @GetMapping("/{topic_name}/partitions/{partition_id}/reassignment")
    @Operation(operationId = "getKafkaReplicaReassignment", summary = "Get Replica Reassignments",
            description = "Returns the partition's ongoing replica reassignment; 404 when none is in progress.")
    @ApiResponse(responseCode = "200", description = "The ongoing reassignment.",
            content = @Content(schema = @Schema(implementation = ReassignmentData.class)))
    @ApiResponse(responseCode = "404", description = "Not found: no such topic or partition (error_code 40403), "
            + "or no reassignment in progress for it (404).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ReassignmentData getReassignment(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The partition ID.") @PathVariable("partition_id") int partitionId) {
        clusters.requireCluster(clusterId);
        return toData(clusterId, reassignments.get(topicName, partitionId));
    }

    @PostMapping(path = "/{topic_name}/partitions/{partition_id}/reassignment",
            consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(operationId = "startKafkaReplicaReassignment", summary = "Start Replica Reassignment (Strata extension)",
            description = "Strata extension, not part of Confluent's v3: starts moving the partition's replicas "
                    + "to the given brokers (the first is the preferred leader); follow it with GET on the same "
                    + "path. Until the cluster serves reassignment this answers 400 with error_code 40002 "
                    + "\"partition reassignment is not supported by this cluster yet\".")
    @ApiResponse(responseCode = "202", description = "Accepted: the reassignment has started.")
    @ApiResponse(responseCode = "404", description = "Not found: no such topic or partition (error_code 40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void startReassignment(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The partition ID.") @PathVariable("partition_id") int partitionId,
            @RequestBody AlterReassignmentRequestData request) {
        clusters.requireCluster(clusterId);
        if (request.replicas() == null || request.replicas().isEmpty() || request.replicas().contains(null)) {
            throw RestException.badRequest("replicas must list the broker ids the partition moves to");
        }
        reassignments.start(topicName, partitionId, request.replicas());
    }

    private static ReassignmentDataList toList(String clusterId, String self,
                                               List<ReassignmentService.Reassignment> ongoing) {
        return new ReassignmentDataList("KafkaReassignmentList", CollectionMetadata.of(self),
                ongoing.stream().map(r -> toData(clusterId, r)).toList());
    }

    static ReassignmentData toData(String clusterId, ReassignmentService.Reassignment reassignment) {
        String topic = reassignment.topic();
        String partition = Integer.toString(reassignment.partition());
        return new ReassignmentData("KafkaReassignment",
                new ResourceMetadata(V3Urls.cluster(clusterId, "topics", topic, "partitions", partition, "reassignment"),
                        V3Urls.crn(clusterId, "topic", topic, "partition", partition) + "/reassignment"),
                clusterId, topic, reassignment.partition(), reassignment.adding(), reassignment.removing(),
                Relationship.to(V3Urls.cluster(clusterId, "topics", topic, "partitions", partition, "replicas")));
    }
}
