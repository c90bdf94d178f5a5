package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A topic in v2 shape: its name, the configs set on it (not the defaults) and its partitions. */
@Schema(name = "V2Topic")
public record V2Topic(
        @JsonProperty("name") @Schema(requiredMode = REQUIRED) String name,
        @JsonProperty("configs") @Schema(requiredMode = REQUIRED) Map<String, String> configs,
        @JsonProperty("partitions") @Schema(requiredMode = REQUIRED) List<V2Partition> partitions) {
}
