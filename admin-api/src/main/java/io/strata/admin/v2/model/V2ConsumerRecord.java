package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A consumed record, key and value in the instance's format; headers and timestamp are Strata's extension. */
@Schema(name = "V2ConsumerRecord")
public record V2ConsumerRecord(
        @JsonProperty("topic") @Schema(requiredMode = REQUIRED) String topic,
        @JsonProperty("key") @JsonInclude(JsonInclude.Include.ALWAYS) @Schema(nullable = true) JsonNode key,
        @JsonProperty("value") @JsonInclude(JsonInclude.Include.ALWAYS) @Schema(nullable = true) JsonNode value,
        @JsonProperty("partition") @Schema(requiredMode = REQUIRED) int partition,
        @JsonProperty("offset") @Schema(requiredMode = REQUIRED) long offset,
        @JsonProperty("headers") @JsonInclude(JsonInclude.Include.NON_EMPTY)
        @Schema(description = "Strata extension: the record's headers, absent when it has none") List<V2Header> headers,
        @JsonProperty("timestamp") @Schema(description = "Strata extension: the record's timestamp, epoch ms") long timestamp) {
}
