package io.strata.admin.error;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** Every HTTP failure's body, v2 and v3 alike, as kafka-rest writes it. */
@Schema(name = "Error", description = "An error: an HTTP-like code (e.g. 40403) and a message for people")
public record ErrorBody(
        @JsonProperty("error_code") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) int errorCode,
        @JsonProperty("message") @Schema(nullable = true) String message) {
}
