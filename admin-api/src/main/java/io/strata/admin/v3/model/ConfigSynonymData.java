package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/**
 * One place a config's value can come from, most specific first, as Kafka's DescribeConfigs lists them
 * ({@code includeSynonyms}). Shared by topic and broker configs.
 */
@Schema(name = "ConfigSynonymData")
public record ConfigSynonymData(
        @JsonProperty("name") @Schema(requiredMode = REQUIRED) String name,
        @JsonProperty("value") @Schema(nullable = true, description = "Null for sensitive configs") String value,
        @JsonProperty("source") @Schema(requiredMode = REQUIRED, example = "DEFAULT_CONFIG",
                description = "Kafka's ConfigEntry.ConfigSource name, e.g. DYNAMIC_TOPIC_CONFIG, "
                        + "STATIC_BROKER_CONFIG, DEFAULT_CONFIG") String source) {
}
