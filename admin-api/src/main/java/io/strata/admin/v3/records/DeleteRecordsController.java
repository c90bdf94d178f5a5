package io.strata.admin.v3.records;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.RecordDeletionService;
import io.strata.admin.v3.V3Urls;
import io.strata.admin.v3.model.DeleteRecordsRequestData;
import io.strata.admin.v3.model.DeleteRecordsResultDataList;
import io.strata.admin.v3.model.ResourceMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Strata extension: DeleteRecords, deleting a topic's oldest records up to an offset per partition. */
@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/topics/{topic_name}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Records (v3)")
public class DeleteRecordsController {
    private final ClusterService clusters;
    private final RecordDeletionService deletions;

    public DeleteRecordsController(ClusterService clusters, RecordDeletionService deletions) {
        this.clusters = clusters;
        this.deletions = deletions;
    }

    @PostMapping(path = "/records:delete", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "deleteKafkaRecords", summary = "Delete Records (Strata extension)",
            description = "Strata extension (not in Confluent v3), like kafka-delete-records.sh: deletes every "
                    + "record below before_offset (-1: the high watermark) of each partition given, moving its "
                    + "earliest offset there, and answers once every live replica has done so. Answers 200 when "
                    + "every partition succeeded, else 207 with each partition's error_code: 40002 for an offset "
                    + "above the high watermark or a topic whose cleanup.policy is compact without delete.")
    @ApiResponse(responseCode = "200", description = "Every partition's new low watermark.",
            content = @Content(schema = @Schema(implementation = DeleteRecordsResultDataList.class)))
    @ApiResponse(responseCode = "207", description = "Some partitions failed: see their error_code.",
            content = @Content(schema = @Schema(implementation = DeleteRecordsResultDataList.class)))
    @ApiResponse(responseCode = "404", description = "Unknown cluster, topic or partition (40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ResponseEntity<DeleteRecordsResultDataList> deleteRecords(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @RequestBody DeleteRecordsRequestData request) {
        clusters.requireCluster(clusterId);
        if (request.partitions() == null) {
            throw RestException.badRequest("partitions is required");
        }
        List<RecordDeletionService.Deletion> asked = request.partitions().stream().map(p -> {
            if (p == null || p.partitionId() == null || p.beforeOffset() == null) {
                throw RestException.badRequest("Each partition needs partition_id and before_offset");
            }
            return new RecordDeletionService.Deletion(p.partitionId(), p.beforeOffset());
        }).toList();
        List<DeleteRecordsResultDataList.Result> results = deletions.delete(topicName, asked).stream()
                .map(o -> new DeleteRecordsResultDataList.Result(clusterId, topicName, o.partition(),
                        o.error() == null ? HttpStatus.OK.value() : o.error().errorCode(),
                        o.error() == null ? null : o.error().getMessage(), o.lowWatermark()))
                .toList();
        boolean allDone = results.stream().allMatch(r -> r.errorCode() == HttpStatus.OK.value());
        DeleteRecordsResultDataList body = new DeleteRecordsResultDataList("KafkaDeleteRecordsResultList",
                new ResourceMetadata(V3Urls.cluster(clusterId, "topics", topicName, "records:delete"),
                        V3Urls.crn(clusterId, "topic", topicName) + "/records:delete"), results);
        return ResponseEntity.status(allDone ? HttpStatus.OK : HttpStatus.MULTI_STATUS).body(body);
    }
}
