package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** Strata extension: the offsets an offset reset committed, or would commit on a dry run. */
@Schema(name = "ConsumerGroupOffsetResetData", description = "Strata extension (not in Confluent v3): the result "
        + "of a consumer group offset reset")
public record ConsumerGroupOffsetResetData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaConsumerGroupOffsetReset") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("consumer_group_id") @Schema(requiredMode = REQUIRED) String consumerGroupId,
        @JsonProperty("dry_run") @Schema(requiredMode = REQUIRED, description = "True when nothing was committed")
        boolean dryRun,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<Partition> data) {

    @Schema(name = "ConsumerGroupOffsetResetPartition")
    public record Partition(
            @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
            @JsonProperty("partition_id") @Schema(requiredMode = REQUIRED) int partitionId,
            @JsonProperty("previous_offset") @Schema(nullable = true,
                    description = "The committed offset before the reset; null if there was none") Long previousOffset,
            @JsonProperty("new_offset") @Schema(requiredMode = REQUIRED) long newOffset) {
    }
}
