package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "ConsumerDataList", description = "The members of a consumer group")
public record ConsumerDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaConsumerList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<ConsumerData> data) {
}
