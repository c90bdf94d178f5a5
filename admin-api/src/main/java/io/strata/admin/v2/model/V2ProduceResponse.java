package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** One offsets entry per produced record, in request order; schema ids are always null (no schema formats). */
@Schema(name = "V2ProduceResponse")
@JsonInclude(JsonInclude.Include.ALWAYS)
public record V2ProduceResponse(
        @JsonProperty("offsets") @Schema(requiredMode = REQUIRED) List<V2PartitionOffset> offsets,
        @JsonProperty("key_schema_id") @Schema(nullable = true) Integer keySchemaId,
        @JsonProperty("value_schema_id") @Schema(nullable = true) Integer valueSchemaId) {
}
