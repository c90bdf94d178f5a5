package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "BrokerDataList", description = "The live brokers of the cluster, in broker id order")
public record BrokerDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaBrokerList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<BrokerData> data) {
}
