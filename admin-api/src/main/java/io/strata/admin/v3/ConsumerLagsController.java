package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.ConsumerLagService;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.ConsumerGroupLagSummaryData;
import io.strata.admin.v3.model.ConsumerLagData;
import io.strata.admin.v3.model.ConsumerLagDataList;
import io.strata.admin.v3.model.Relationship;
import io.strata.admin.v3.model.ResourceMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.kafka.clients.admin.MemberDescription;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}",
        produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Consumer Group (v3)")
public class ConsumerLagsController {
    private final ClusterService clusters;
    private final ConsumerLagService lags;

    public ConsumerLagsController(ClusterService clusters, ConsumerLagService lags) {
        this.clusters = clusters;
        this.lags = lags;
    }

    @GetMapping("/lags")
    @Operation(operationId = "listKafkaConsumerLags", summary = "List Consumer Lags",
            description = "Returns the group's lag on every partition it has committed offsets for: the committed "
                    + "offset, the log end offset (read_committed) and the member owning the partition, by topic "
                    + "and partition.")
    @ApiResponse(responseCode = "200", description = "The lags.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster or consumer group, or the group has no "
            + "committed offsets.", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ConsumerLagDataList listConsumerLags(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String groupId) {
        clusters.requireCluster(clusterId);
        return new ConsumerLagDataList("KafkaConsumerLagList",
                CollectionMetadata.of(V3Urls.cluster(clusterId, "consumer-groups", groupId, "lags")),
                lags.lags(groupId).stream().map(l -> toData(clusterId, groupId, l)).toList());
    }

    @GetMapping("/lags/{topic_name}/partitions/{partition_id}")
    @Operation(operationId = "getKafkaConsumerLag", summary = "Get Consumer Lag",
            description = "Returns the group's lag on one partition.")
    @ApiResponse(responseCode = "200", description = "The lag.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster or consumer group, or the group has no "
            + "committed offset on this partition.", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ConsumerLagData getConsumerLag(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String groupId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The partition ID.") @PathVariable("partition_id") int partitionId) {
        clusters.requireCluster(clusterId);
        return toData(clusterId, groupId, lags.lag(groupId, topicName, partitionId));
    }

    @GetMapping("/lag-summary")
    @Operation(operationId = "getKafkaConsumerGroupLagSummary", summary = "Get Consumer Group Lag Summary",
            description = "Returns the group's largest lag on one partition, with the partition and its owner, "
                    + "and the sum of its lags over all partitions it has committed offsets for.")
    @ApiResponse(responseCode = "200", description = "The lag summary.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster or consumer group, or the group has no "
            + "committed offsets.", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ConsumerGroupLagSummaryData getConsumerGroupLagSummary(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String groupId) {
        clusters.requireCluster(clusterId);
        ConsumerLagService.Summary summary = lags.summary(groupId);
        ConsumerLagService.Lag max = summary.max();
        MemberDescription owner = max.owner();
        String consumerId = owner == null ? "" : owner.consumerId();
        String topic = max.partition().topic();
        String partition = Integer.toString(max.partition().partition());
        return new ConsumerGroupLagSummaryData("KafkaConsumerGroupLagSummary",
                new ResourceMetadata(V3Urls.cluster(clusterId, "consumer-groups", groupId, "lag-summary"),
                        V3Urls.crn(clusterId, "consumer-groups", groupId) + "/lag-summary"),
                clusterId, groupId, consumerId, owner == null ? null : owner.groupInstanceId().orElse(null),
                owner == null ? "" : owner.clientId(), topic, max.partition().partition(), max.lag(),
                summary.totalLag(),
                Relationship.to(V3Urls.cluster(clusterId, "consumer-groups", groupId, "consumers", consumerId)),
                Relationship.to(V3Urls.cluster(clusterId, "topics", topic, "partitions", partition)));
    }

    static ConsumerLagData toData(String clusterId, String groupId, ConsumerLagService.Lag lag) {
        String topic = lag.partition().topic();
        String partition = Integer.toString(lag.partition().partition());
        MemberDescription owner = lag.owner();
        return new ConsumerLagData("KafkaConsumerLag",
                new ResourceMetadata(V3Urls.cluster(clusterId, "consumer-groups", groupId, "lags", topic, "partitions",
                        partition), V3Urls.crn(clusterId, "consumer-group", groupId, "lag", topic, "partition", partition)),
                clusterId, groupId, topic, lag.partition().partition(), lag.currentOffset(), lag.logEndOffset(),
                lag.lag(), owner == null ? "" : owner.consumerId(),
                owner == null ? null : owner.groupInstanceId().orElse(null), owner == null ? "" : owner.clientId());
    }
}
