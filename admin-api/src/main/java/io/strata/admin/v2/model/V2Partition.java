package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A partition in v2 shape; {@code leader} is -1 while it has none. */
@Schema(name = "V2Partition")
public record V2Partition(
        @JsonProperty("partition") @Schema(requiredMode = REQUIRED) int partition,
        @JsonProperty("leader") @Schema(requiredMode = REQUIRED) int leader,
        @JsonProperty("replicas") @Schema(requiredMode = REQUIRED) List<V2Replica> replicas) {
}
