package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A partition's first offset and the offset the next record will get. */
@Schema(name = "V2PartitionOffsets")
public record V2PartitionOffsets(
        @JsonProperty("beginning_offset") @Schema(requiredMode = REQUIRED) long beginningOffset,
        @JsonProperty("end_offset") @Schema(requiredMode = REQUIRED) long endOffset) {
}
