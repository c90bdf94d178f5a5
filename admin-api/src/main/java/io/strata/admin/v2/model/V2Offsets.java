package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** Offsets to commit or seek to, or the committed ones. */
@Schema(name = "V2Offsets")
public record V2Offsets(
        @JsonProperty("offsets") @Schema(requiredMode = REQUIRED) List<V2TopicPartitionOffset> offsets) {
}
