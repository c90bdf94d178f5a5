package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;

/** One record to produce; key and value in the request's embedded format. */
@Schema(name = "V2ProduceRecord")
public record V2ProduceRecord(
        @JsonProperty("key") @Schema(nullable = true, description = "Any JSON (json), a base64 string (binary) or a string (text)")
        JsonNode key,
        @JsonProperty("value") @Schema(nullable = true, description = "Any JSON (json), a base64 string (binary) or a string (text)")
        JsonNode value,
        @JsonProperty("partition") @Schema(nullable = true, description = "The partition; absent: chosen by the key's hash")
        Integer partition,
        @JsonProperty("headers") @Schema(nullable = true, description = "Strata extension: the record's headers")
        List<V2Header> headers,
        @JsonProperty("timestamp") @Schema(nullable = true, description = "Strata extension: the record's timestamp, epoch ms")
        Long timestamp) {
}
