package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.OffsetResetService;
import io.strata.admin.service.OffsetTarget;
import io.strata.admin.v3.model.ConsumerGroupOffsetResetData;
import io.strata.admin.v3.model.ConsumerGroupOffsetResetRequest;
import io.strata.admin.v3.model.ResourceMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Strata extension: moving a consumer group's committed offsets. */
@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}",
        produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Consumer Group (v3)")
public class ConsumerGroupOffsetsController {
    private final ClusterService clusters;
    private final OffsetResetService resets;

    public ConsumerGroupOffsetsController(ClusterService clusters, OffsetResetService resets) {
        this.clusters = clusters;
        this.resets = resets;
    }

    @PostMapping(path = "/offsets:reset", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "resetKafkaConsumerGroupOffsets", summary = "Reset Consumer Group Offsets (Strata extension)",
            description = "Strata extension (not in Confluent v3), like kafka-consumer-groups.sh --reset-offsets: "
                    + "commits new offsets for the group on the given topics and partitions (or on every partition "
                    + "it has committed offsets for): to the earliest or latest offset, to a timestamp, to an "
                    + "explicit offset, or shifted by N, clamped into each log's range. With dry_run the offsets "
                    + "are answered and nothing is committed. Refused with 409 while the group has active members.")
    @ApiResponse(responseCode = "200", description = "The offsets committed (or, on a dry run, that would be).")
    @ApiResponse(responseCode = "404", description = "Unknown cluster, topic or partition (40403).",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "409", description = "The group has active members: stop them first.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ConsumerGroupOffsetResetData resetOffsets(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String groupId,
            @RequestBody ConsumerGroupOffsetResetRequest request) {
        clusters.requireCluster(clusterId);
        OffsetTarget target = new OffsetTarget(OffsetTarget.strategy(request.strategy()), request.timestamp(),
                request.offset(), request.shiftBy());
        List<OffsetResetService.TopicSelection> topics = request.topics() == null ? List.of()
                : request.topics().stream()
                        .map(t -> new OffsetResetService.TopicSelection(t == null ? null : t.topicName(),
                                t == null ? null : t.partitions()))
                        .toList();
        boolean dryRun = Boolean.TRUE.equals(request.dryRun());
        List<OffsetResetService.Reset> done = resets.reset(groupId, topics, target, dryRun);
        return new ConsumerGroupOffsetResetData("KafkaConsumerGroupOffsetReset",
                new ResourceMetadata(V3Urls.cluster(clusterId, "consumer-groups", groupId),
                        V3Urls.crn(clusterId, "consumer-group", groupId)),
                clusterId, groupId, dryRun,
                done.stream().map(r -> new ConsumerGroupOffsetResetData.Partition(r.partition().topic(),
                        r.partition().partition(), r.previousOffset(), r.newOffset())).toList());
    }
}
