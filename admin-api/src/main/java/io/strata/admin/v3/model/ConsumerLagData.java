package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/**
 * How far a consumer group is behind on one partition ({@code KafkaConsumerLag}): its committed offset against the
 * partition's log end (read_committed). The consumer fields are empty strings when no member owns the partition.
 */
@Schema(name = "ConsumerLagData")
public record ConsumerLagData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaConsumerLag") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("consumer_group_id") @Schema(requiredMode = REQUIRED) String consumerGroupId,
        @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
        @JsonProperty("partition_id") @Schema(requiredMode = REQUIRED) int partitionId,
        @JsonProperty("current_offset") @Schema(requiredMode = REQUIRED, description = "The committed offset")
        long currentOffset,
        @JsonProperty("log_end_offset") @Schema(requiredMode = REQUIRED) long logEndOffset,
        @JsonProperty("lag") @Schema(requiredMode = REQUIRED) long lag,
        @JsonProperty("consumer_id") @Schema(requiredMode = REQUIRED) String consumerId,
        @JsonProperty("instance_id") @Schema(nullable = true) String instanceId,
        @JsonProperty("client_id") @Schema(requiredMode = REQUIRED) String clientId) {
}
