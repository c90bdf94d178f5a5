package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** One cluster-wide dynamic broker config ({@code KafkaClusterConfig}): the default every broker inherits. */
@Schema(name = "ClusterConfigData")
public record ClusterConfigData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaClusterConfig") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("config_type") @Schema(requiredMode = REQUIRED, allowableValues = "BROKER") String configType,
        @JsonProperty("name") @Schema(requiredMode = REQUIRED) String name,
        @JsonProperty("value") @Schema(nullable = true, description = "Null for sensitive configs") String value,
        @JsonProperty("is_default") @Schema(requiredMode = REQUIRED) boolean isDefault,
        @JsonProperty("is_read_only") @Schema(requiredMode = REQUIRED) boolean isReadOnly,
        @JsonProperty("is_sensitive") @Schema(requiredMode = REQUIRED) boolean isSensitive,
        @JsonProperty("source") @Schema(requiredMode = REQUIRED, example = "DYNAMIC_DEFAULT_BROKER_CONFIG",
                description = "Kafka's ConfigEntry.ConfigSource name") String source,
        @JsonProperty("synonyms") @Schema(requiredMode = REQUIRED) List<ConfigSynonymData> synonyms) {
}
