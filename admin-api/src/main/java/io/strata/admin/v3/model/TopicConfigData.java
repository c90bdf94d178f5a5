package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** One config of a topic ({@code KafkaTopicConfig}): its value, where it comes from, and its synonyms. */
@Schema(name = "TopicConfigData")
public record TopicConfigData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaTopicConfig") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
        @JsonProperty("name") @Schema(requiredMode = REQUIRED) String name,
        @JsonProperty("value") @Schema(nullable = true, description = "Null for sensitive configs") String value,
        @JsonProperty("is_default") @Schema(requiredMode = REQUIRED) boolean isDefault,
        @JsonProperty("is_read_only") @Schema(requiredMode = REQUIRED) boolean isReadOnly,
        @JsonProperty("is_sensitive") @Schema(requiredMode = REQUIRED) boolean isSensitive,
        @JsonProperty("source") @Schema(requiredMode = REQUIRED, example = "DYNAMIC_TOPIC_CONFIG",
                description = "Kafka's ConfigEntry.ConfigSource name") String source,
        @JsonProperty("synonyms") @Schema(requiredMode = REQUIRED) List<ConfigSynonymData> synonyms,
        @JsonProperty("documentation") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Strata extension (not in Confluent v3): the broker's documentation of the config, "
                + "as DescribeConfigs reports it; absent when the broker gave none, and in the listing of every "
                + "topic's configs (/topics/-/configs), where it would repeat for each topic") String documentation) {
}
