package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "V2TopicPartition")
public record V2TopicPartition(
        @JsonProperty("topic") @Schema(requiredMode = REQUIRED) String topic,
        @JsonProperty("partition") @Schema(requiredMode = REQUIRED) Integer partition) {
}
