package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** What was stored for a key or value: its type as produced and its size in bytes. */
@Schema(name = "ProduceResponseData", nullable = true)
public record ProduceResponseData(
        @JsonProperty("size") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) long size,
        @JsonProperty("type") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String type) {
}
