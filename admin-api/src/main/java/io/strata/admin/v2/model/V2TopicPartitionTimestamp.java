package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** Seek a partition to its first record at or after a time (epoch ms). */
@Schema(name = "V2TopicPartitionTimestamp")
public record V2TopicPartitionTimestamp(
        @JsonProperty("topic") @Schema(requiredMode = REQUIRED) String topic,
        @JsonProperty("partition") @Schema(requiredMode = REQUIRED) Integer partition,
        @JsonProperty("timestamp") @Schema(requiredMode = REQUIRED, description = "epoch ms") Long timestamp,
        @JsonProperty("metadata") @Schema(nullable = true) String metadata) {
}
