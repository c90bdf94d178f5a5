package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A partition's ongoing replica reassignment ({@code KafkaReassignment}). */
@Schema(name = "ReassignmentData")
public record ReassignmentData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaReassignment") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
        @JsonProperty("partition_id") @Schema(requiredMode = REQUIRED) int partitionId,
        @JsonProperty("adding_replicas") @Schema(requiredMode = REQUIRED) List<Integer> addingReplicas,
        @JsonProperty("removing_replicas") @Schema(requiredMode = REQUIRED) List<Integer> removingReplicas,
        @JsonProperty("replicas") @Schema(requiredMode = REQUIRED) Relationship replicas) {
}
