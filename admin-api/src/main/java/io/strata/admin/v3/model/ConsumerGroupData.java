package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A consumer group ({@code KafkaConsumerGroup}) with links to its coordinator, members and lag summary. */
@Schema(name = "ConsumerGroupData")
public record ConsumerGroupData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaConsumerGroup") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("consumer_group_id") @Schema(requiredMode = REQUIRED) String consumerGroupId,
        @JsonProperty("is_simple") @Schema(requiredMode = REQUIRED,
                description = "True for a group that only commits offsets and has no members protocol") boolean isSimple,
        @JsonProperty("partition_assignor") @Schema(requiredMode = REQUIRED,
                description = "The assignor the members agreed on; empty while the group has no members") String partitionAssignor,
        @JsonProperty("state") @Schema(requiredMode = REQUIRED, example = "STABLE", allowableValues = {"UNKNOWN",
                "PREPARING_REBALANCE", "COMPLETING_REBALANCE", "ASSIGNING", "RECONCILING", "STABLE", "DEAD", "EMPTY"})
        String state,
        @JsonProperty("type") @Schema(requiredMode = REQUIRED, example = "CLASSIC",
                allowableValues = {"UNKNOWN", "CLASSIC", "CONSUMER", "SHARE"}) String type,
        @JsonProperty("is_mixed_consumer_group") @Schema(requiredMode = REQUIRED) boolean isMixedConsumerGroup,
        @JsonProperty("coordinator") @Schema(requiredMode = REQUIRED) Relationship coordinator,
        @JsonProperty("consumers") @Schema(requiredMode = REQUIRED) Relationship consumers,
        @JsonProperty("lag_summary") @Schema(requiredMode = REQUIRED) Relationship lagSummary) {
}
