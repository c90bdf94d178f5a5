package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A partition's offset: to commit (the last record processed), to seek to, or committed. */
@Schema(name = "V2TopicPartitionOffset")
@JsonInclude(JsonInclude.Include.ALWAYS)
public record V2TopicPartitionOffset(
        @JsonProperty("topic") @Schema(requiredMode = REQUIRED) String topic,
        @JsonProperty("partition") @Schema(requiredMode = REQUIRED) Integer partition,
        @JsonProperty("offset") @Schema(requiredMode = REQUIRED) Long offset,
        @JsonProperty("metadata") @Schema(nullable = true) String metadata) {
}
