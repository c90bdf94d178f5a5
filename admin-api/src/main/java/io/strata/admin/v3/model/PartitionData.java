package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A partition ({@code KafkaPartition}) with links to its leader replica, its replicas and its reassignment. */
@Schema(name = "PartitionData")
public record PartitionData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaPartition") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
        @JsonProperty("partition_id") @Schema(requiredMode = REQUIRED) int partitionId,
        @JsonProperty("leader") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "The leader replica; absent while the partition has no leader") Relationship leader,
        @JsonProperty("replicas") @Schema(requiredMode = REQUIRED) Relationship replicas,
        @JsonProperty("reassignment") @Schema(requiredMode = REQUIRED) Relationship reassignment,
        @JsonProperty("size_bytes") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Strata extension (not in Confluent v3): bytes on disk of the leader replica, from "
                + "DescribeLogDirs; absent without a leader or when it did not report its size") Long sizeBytes) {
}
