package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** One replica of a partition ({@code KafkaReplica}) on one broker. */
@Schema(name = "ReplicaData")
public record ReplicaData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaReplica") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
        @JsonProperty("partition_id") @Schema(requiredMode = REQUIRED) int partitionId,
        @JsonProperty("broker_id") @Schema(requiredMode = REQUIRED) int brokerId,
        @JsonProperty("is_leader") @Schema(requiredMode = REQUIRED) boolean isLeader,
        @JsonProperty("is_in_sync") @Schema(requiredMode = REQUIRED) boolean isInSync,
        @JsonProperty("broker") @Schema(requiredMode = REQUIRED) Relationship broker,
        @JsonProperty("size_bytes") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Strata extension (not in Confluent v3): bytes on disk of this replica, from its "
                + "broker's DescribeLogDirs; absent when the broker did not report it") Long sizeBytes) {
}
