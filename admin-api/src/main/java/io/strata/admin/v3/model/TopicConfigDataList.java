package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "TopicConfigDataList", description = "Topic configs, by topic and name")
public record TopicConfigDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaTopicConfigList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<TopicConfigData> data) {
}
