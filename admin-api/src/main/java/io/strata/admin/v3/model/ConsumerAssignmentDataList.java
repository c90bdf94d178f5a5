package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "ConsumerAssignmentDataList", description = "The partitions assigned to one consumer")
public record ConsumerAssignmentDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaConsumerAssignmentList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<ConsumerAssignmentData> data) {
}
