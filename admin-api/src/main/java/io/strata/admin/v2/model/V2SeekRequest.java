package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** Positions to seek to: by offset, by timestamp, or both for different partitions. */
@Schema(name = "V2SeekRequest")
public record V2SeekRequest(
        @JsonProperty("offsets") @Schema(nullable = true) List<V2TopicPartitionOffset> offsets,
        @JsonProperty("timestamps") @Schema(nullable = true) List<V2TopicPartitionTimestamp> timestamps) {
}
