package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A partition's earliest and latest (next to be written) offsets ({@code KafkaPartitionWithOffsets}). */
@Schema(name = "PartitionWithOffsetsData")
public record PartitionWithOffsetsData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaPartitionWithOffsets") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
        @JsonProperty("partition_id") @Schema(requiredMode = REQUIRED) int partitionId,
        @JsonProperty("earliest_offset") @Schema(requiredMode = REQUIRED) long earliestOffset,
        @JsonProperty("latest_offset") @Schema(requiredMode = REQUIRED) long latestOffset) {
}
