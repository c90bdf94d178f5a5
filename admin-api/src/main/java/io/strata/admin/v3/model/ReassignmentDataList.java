package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "ReassignmentDataList", description = "Ongoing replica reassignments")
public record ReassignmentDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaReassignmentList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<ReassignmentData> data) {
}
