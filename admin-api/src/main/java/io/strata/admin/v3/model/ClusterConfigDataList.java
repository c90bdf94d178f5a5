package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "ClusterConfigDataList", description = "The cluster-wide dynamic broker configs; empty when none is set")
public record ClusterConfigDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaClusterConfigList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<ClusterConfigData> data) {
}
