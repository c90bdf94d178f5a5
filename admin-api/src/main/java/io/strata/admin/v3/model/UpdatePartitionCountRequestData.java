package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** The partition count a topic grows to (partitions can only be added). */
@Schema(name = "UpdatePartitionCountRequestData")
public record UpdatePartitionCountRequestData(
        @JsonProperty("partitions_count") @Schema(requiredMode = REQUIRED, format = "int32") Integer partitionsCount) {
}
