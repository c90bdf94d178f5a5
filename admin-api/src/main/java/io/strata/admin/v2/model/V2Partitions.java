package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A list of partitions: assignments, seeks to the beginning or end, committed offsets to look up. */
@Schema(name = "V2Partitions")
public record V2Partitions(
        @JsonProperty("partitions") @Schema(requiredMode = REQUIRED) List<V2TopicPartition> partitions) {
}
