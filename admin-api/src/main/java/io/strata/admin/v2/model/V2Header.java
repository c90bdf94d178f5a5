package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** Strata's extension: a record header as v3 writes it, its value base64 (null for a null value). */
@Schema(name = "V2RecordHeader", description = "Strata extension: a record header, its value base64-encoded")
public record V2Header(
        @JsonProperty("name") @Schema(requiredMode = REQUIRED) String name,
        @JsonProperty("value") @Schema(nullable = true, description = "base64 of the header's bytes") String value) {
}
