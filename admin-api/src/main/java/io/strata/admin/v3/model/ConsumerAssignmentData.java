package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** One partition assigned to one member of a consumer group ({@code KafkaConsumerAssignment}). */
@Schema(name = "ConsumerAssignmentData")
public record ConsumerAssignmentData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaConsumerAssignment") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("consumer_group_id") @Schema(requiredMode = REQUIRED) String consumerGroupId,
        @JsonProperty("consumer_id") @Schema(requiredMode = REQUIRED) String consumerId,
        @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
        @JsonProperty("partition_id") @Schema(requiredMode = REQUIRED) int partitionId,
        @JsonProperty("partition") @Schema(requiredMode = REQUIRED) Relationship partition,
        @JsonProperty("lag") @Schema(requiredMode = REQUIRED) Relationship lag) {
}
