package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** Where one produced record went, or why it did not: nulls are written, as kafka-rest does. */
@Schema(name = "V2PartitionOffset")
@JsonInclude(JsonInclude.Include.ALWAYS)
public record V2PartitionOffset(
        @JsonProperty("partition") @Schema(nullable = true) Integer partition,
        @JsonProperty("offset") @Schema(nullable = true) Long offset,
        @JsonProperty("error_code") @Schema(nullable = true, description = "40101, 40301, 40402, 50002, 50003") Integer errorCode,
        @JsonProperty("error") @Schema(nullable = true) String error) {
}
