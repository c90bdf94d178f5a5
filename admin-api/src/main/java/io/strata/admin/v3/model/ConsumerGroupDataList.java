package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "ConsumerGroupDataList", description = "The consumer groups of the cluster, sorted by id")
public record ConsumerGroupDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaConsumerGroupList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<ConsumerGroupData> data) {
}
