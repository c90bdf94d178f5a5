package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A v2 produce request: records in the embedded format named by the content type. */
@Schema(name = "V2ProduceRequest")
public record V2ProduceRequest(
        @JsonProperty("records") @Schema(requiredMode = REQUIRED) List<V2ProduceRecord> records) {
}
