package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** A record header: its name and base64 value ({@code null} for a header without a value). */
@Schema(name = "ProduceRequestHeader")
public record ProduceRequestHeader(
        @JsonProperty("name") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name,
        @JsonProperty("value") @Schema(format = "byte", nullable = true) String value) {
}
