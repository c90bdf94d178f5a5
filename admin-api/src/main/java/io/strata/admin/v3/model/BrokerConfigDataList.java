package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "BrokerConfigDataList", description = "Configs of one broker, or of every broker, sorted by name")
public record BrokerConfigDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaBrokerConfigList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<BrokerConfigData> data) {
}
