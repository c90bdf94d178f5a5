package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A consumer group's largest lag on one partition and its total lag ({@code KafkaConsumerGroupLagSummary}). */
@Schema(name = "ConsumerGroupLagSummaryData")
public record ConsumerGroupLagSummaryData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaConsumerGroupLagSummary") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("consumer_group_id") @Schema(requiredMode = REQUIRED) String consumerGroupId,
        @JsonProperty("max_lag_consumer_id") @Schema(requiredMode = REQUIRED) String maxLagConsumerId,
        @JsonProperty("max_lag_instance_id") @Schema(nullable = true) String maxLagInstanceId,
        @JsonProperty("max_lag_client_id") @Schema(requiredMode = REQUIRED) String maxLagClientId,
        @JsonProperty("max_lag_topic_name") @Schema(requiredMode = REQUIRED) String maxLagTopicName,
        @JsonProperty("max_lag_partition_id") @Schema(requiredMode = REQUIRED) int maxLagPartitionId,
        @JsonProperty("max_lag") @Schema(requiredMode = REQUIRED) long maxLag,
        @JsonProperty("total_lag") @Schema(requiredMode = REQUIRED) long totalLag,
        @JsonProperty("max_lag_consumer") @Schema(requiredMode = REQUIRED) Relationship maxLagConsumer,
        @JsonProperty("max_lag_partition") @Schema(requiredMode = REQUIRED) Relationship maxLagPartition) {
}
