package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "ConsumerLagDataList", description = "The lag of a consumer group on each partition it has committed offsets for")
public record ConsumerLagDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaConsumerLagList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<ConsumerLagData> data) {
}
