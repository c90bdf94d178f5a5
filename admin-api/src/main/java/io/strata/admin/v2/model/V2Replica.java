package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "V2Replica")
public record V2Replica(
        @JsonProperty("broker") @Schema(requiredMode = REQUIRED) int broker,
        @JsonProperty("leader") @Schema(requiredMode = REQUIRED) boolean leader,
        @JsonProperty("in_sync") @Schema(requiredMode = REQUIRED) boolean inSync) {
}
