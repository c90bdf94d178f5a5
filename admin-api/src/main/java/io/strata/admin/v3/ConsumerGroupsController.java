package io.strata.admin.v3;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.ConsumerGroupService;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.ConsumerAssignmentData;
import io.strata.admin.v3.model.ConsumerAssignmentDataList;
import io.strata.admin.v3.model.ConsumerData;
import io.strata.admin.v3.model.ConsumerDataList;
import io.strata.admin.v3.model.ConsumerGroupData;
import io.strata.admin.v3.model.ConsumerGroupDataList;
import io.strata.admin.v3.model.Relationship;
import io.strata.admin.v3.model.ResourceMetadata;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.Comparator;
import java.util.List;

@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/consumer-groups", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Consumer Group (v3)")
public class ConsumerGroupsController {
    private static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final ClusterService clusters;
    private final ConsumerGroupService groups;

    public ConsumerGroupsController(ClusterService clusters, ConsumerGroupService groups) {
        this.clusters = clusters;
        this.groups = groups;
    }

    @GetMapping
    @Operation(operationId = "listKafkaConsumerGroups", summary = "List Consumer Groups",
            description = "Returns the consumer groups of the cluster, sorted by id.")
    @ApiResponse(responseCode = "200", description = "The consumer groups.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ConsumerGroupDataList listConsumerGroups(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId) {
        clusters.requireCluster(clusterId);
        return new ConsumerGroupDataList("KafkaConsumerGroupList",
                CollectionMetadata.of(V3Urls.cluster(clusterId, "consumer-groups")),
                groups.list().stream().map(g -> toData(clusterId, g)).toList());
    }

    @GetMapping("/{consumer_group_id}")
    @Operation(operationId = "getKafkaConsumerGroup", summary = "Get Consumer Group",
            description = "Returns the consumer group with the given id: its state, assignor and coordinator.")
    @ApiResponse(responseCode = "200", description = "The consumer group.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster or consumer group.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ConsumerGroupData getConsumerGroup(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String groupId) {
        clusters.requireCluster(clusterId);
        return toData(clusterId, groups.get(groupId));
    }

    @DeleteMapping("/{consumer_group_id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteKafkaConsumerGroup", summary = "Delete Consumer Group (Strata extension)",
            description = "Strata extension (not in Confluent v3): deletes a consumer group and its committed "
                    + "offsets, as kafka-consumer-groups.sh --delete does. A group with active members is refused "
                    + "with 400/40002 and the broker's message.")
    @ApiResponse(responseCode = "204", description = "The group was deleted.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster or consumer group.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void deleteConsumerGroup(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String groupId) {
        clusters.requireCluster(clusterId);
        groups.delete(groupId);
    }

    @GetMapping("/{consumer_group_id}/consumers")
    @Operation(operationId = "listKafkaConsumers", summary = "List Consumers",
            description = "Returns the members of the consumer group, sorted by consumer id.")
    @ApiResponse(responseCode = "200", description = "The consumers.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster or consumer group.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ConsumerDataList listConsumers(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String groupId) {
        clusters.requireCluster(clusterId);
        ConsumerGroupDescription group = groups.get(groupId);
        return new ConsumerDataList("KafkaConsumerList",
                CollectionMetadata.of(V3Urls.cluster(clusterId, "consumer-groups", groupId, "consumers")),
                group.members().stream().sorted(Comparator.comparing(MemberDescription::consumerId))
                        .map(m -> toData(clusterId, groupId, m)).toList());
    }

    @GetMapping("/{consumer_group_id}/consumers/{consumer_id}")
    @Operation(operationId = "getKafkaConsumer", summary = "Get Consumer",
            description = "Returns one member of the consumer group.")
    @ApiResponse(responseCode = "200", description = "The consumer.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster, consumer group or consumer.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ConsumerData getConsumer(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String groupId,
            @Parameter(description = "The consumer ID.") @PathVariable("consumer_id") String consumerId) {
        clusters.requireCluster(clusterId);
        return toData(clusterId, groupId, groups.member(groupId, consumerId));
    }

    @GetMapping("/{consumer_group_id}/consumers/{consumer_id}/assignments")
    @Operation(operationId = "listKafkaConsumerAssignment", summary = "List Consumer Assignments",
            description = "Returns the partitions assigned to one member of the consumer group, by topic and partition.")
    @ApiResponse(responseCode = "200", description = "The consumer's assignments.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster, consumer group or consumer.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ConsumerAssignmentDataList listConsumerAssignments(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String groupId,
            @Parameter(description = "The consumer ID.") @PathVariable("consumer_id") String consumerId) {
        clusters.requireCluster(clusterId);
        MemberDescription member = groups.member(groupId, consumerId);
        return new ConsumerAssignmentDataList("KafkaConsumerAssignmentList",
                CollectionMetadata.of(V3Urls.cluster(clusterId, "consumer-groups", groupId, "consumers", consumerId,
                        "assignments")),
                member.assignment().topicPartitions().stream().sorted(BY_TOPIC_AND_PARTITION)
                        .map(tp -> toData(clusterId, groupId, consumerId, tp)).toList());
    }

    @GetMapping("/{consumer_group_id}/consumers/{consumer_id}/assignments/{topic_name}/partitions/{partition_id}")
    @Operation(operationId = "getKafkaConsumerAssignment", summary = "Get Consumer Assignment",
            description = "Returns the assignment of one partition to one member of the consumer group.")
    @ApiResponse(responseCode = "200", description = "The assignment.")
    @ApiResponse(responseCode = "404", description = "Unknown cluster, consumer group or consumer, or the "
            + "partition is not assigned to this consumer.",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ConsumerAssignmentData getConsumerAssignment(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String groupId,
            @Parameter(description = "The consumer ID.") @PathVariable("consumer_id") String consumerId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topicName,
            @Parameter(description = "The partition ID.") @PathVariable("partition_id") int partitionId) {
        clusters.requireCluster(clusterId);
        TopicPartition tp = new TopicPartition(topicName, partitionId);
        if (!groups.member(groupId, consumerId).assignment().topicPartitions().contains(tp)) {
            throw RestException.notFound("Partition " + partitionId + " of topic " + topicName
                    + " is not assigned to consumer " + consumerId + " of consumer group " + groupId + ".");
        }
        return toData(clusterId, groupId, consumerId, tp);
    }

    static ConsumerGroupData toData(String clusterId, ConsumerGroupDescription group) {
        String id = group.groupId();
        GroupType type = group.type() == null ? GroupType.UNKNOWN : group.type();
        boolean mixed = type == GroupType.CONSUMER
                && group.members().stream().anyMatch(m -> m.upgraded().map(upgraded -> !upgraded).orElse(false));
        return new ConsumerGroupData("KafkaConsumerGroup",
                new ResourceMetadata(V3Urls.cluster(clusterId, "consumer-groups", id),
                        V3Urls.crn(clusterId, "consumer-group", id)),
                clusterId, id, group.isSimpleConsumerGroup(),
                group.partitionAssignor() == null ? "" : group.partitionAssignor(),
                group.groupState() == null ? "UNKNOWN" : group.groupState().name(), type.name(), mixed,
                // A described group always names its coordinator; the collection stands in should one ever not.
                Relationship.to(group.coordinator() == null ? V3Urls.cluster(clusterId, "brokers")
                        : V3Urls.cluster(clusterId, "brokers", Integer.toString(group.coordinator().id()))),
                Relationship.to(V3Urls.cluster(clusterId, "consumer-groups", id, "consumers")),
                Relationship.to(V3Urls.cluster(clusterId, "consumer-groups", id, "lag-summary")));
    }

    static ConsumerData toData(String clusterId, String groupId, MemberDescription member) {
        String id = member.consumerId();
        return new ConsumerData("KafkaConsumer",
                new ResourceMetadata(V3Urls.cluster(clusterId, "consumer-groups", groupId, "consumers", id),
                        V3Urls.crn(clusterId, "consumer-group", groupId, "consumer", id)),
                clusterId, groupId, id, member.groupInstanceId().orElse(null), member.clientId(),
                Relationship.to(V3Urls.cluster(clusterId, "consumer-groups", groupId, "consumers", id, "assignments")));
    }

    static ConsumerAssignmentData toData(String clusterId, String groupId, String consumerId, TopicPartition tp) {
        String partition = Integer.toString(tp.partition());
        return new ConsumerAssignmentData("KafkaConsumerAssignment",
                new ResourceMetadata(V3Urls.cluster(clusterId, "consumer-groups", groupId, "consumers", consumerId,
                        "assignments", tp.topic(), "partitions", partition),
                        V3Urls.crn(clusterId, "consumer-group", groupId, "consumer", consumerId, "assignment",
                                tp.topic(), "partition", partition)),
                clusterId, groupId, consumerId, tp.topic(), tp.partition(),
                Relationship.to(V3Urls.cluster(clusterId, "topics", tp.topic(), "partitions", partition)),
                Relationship.to(V3Urls.cluster(clusterId, "consumer-groups", groupId, "lags", tp.topic(),
                        "partitions", partition)));
    }
}
