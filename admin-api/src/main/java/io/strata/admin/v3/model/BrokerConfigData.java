package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** One config of one broker ({@code KafkaBrokerConfig}), with its source and synonyms as Kafka reports them. */
@Schema(name = "BrokerConfigData")
public record BrokerConfigData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaBrokerConfig") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("broker_id") @Schema(requiredMode = REQUIRED) int brokerId,
        @JsonProperty("name") @Schema(requiredMode = REQUIRED) String name,
        @JsonProperty("value") @Schema(nullable = true, description = "Null for sensitive configs") String value,
        @JsonProperty("is_default") @Schema(requiredMode = REQUIRED) boolean isDefault,
        @JsonProperty("is_read_only") @Schema(requiredMode = REQUIRED) boolean isReadOnly,
        @JsonProperty("is_sensitive") @Schema(requiredMode = REQUIRED) boolean isSensitive,
        @JsonProperty("source") @Schema(requiredMode = REQUIRED, example = "STATIC_BROKER_CONFIG",
                description = "Kafka's ConfigEntry.ConfigSource name") String source,
        @JsonProperty("synonyms") @Schema(requiredMode = REQUIRED) List<ConfigSynonymData> synonyms) {
}
