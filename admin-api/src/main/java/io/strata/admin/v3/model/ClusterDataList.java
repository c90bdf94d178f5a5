package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "ClusterDataList", description = "The clusters this server knows: the one it is part of")
public record ClusterDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaClusterList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<ClusterData> data) {
}
