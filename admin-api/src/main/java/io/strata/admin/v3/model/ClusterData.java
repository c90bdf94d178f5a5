package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A Kafka cluster ({@code KafkaCluster}) with links to everything in it. */
@Schema(name = "ClusterData")
public record ClusterData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaCluster") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("controller") @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "The active controller; absent while none is known")
        Relationship controller,
        @JsonProperty("acls") @Schema(requiredMode = REQUIRED) Relationship acls,
        @JsonProperty("brokers") @Schema(requiredMode = REQUIRED) Relationship brokers,
        @JsonProperty("broker_configs") @Schema(requiredMode = REQUIRED) Relationship brokerConfigs,
        @JsonProperty("consumer_groups") @Schema(requiredMode = REQUIRED) Relationship consumerGroups,
        @JsonProperty("topics") @Schema(requiredMode = REQUIRED) Relationship topics,
        @JsonProperty("partition_reassignments") @Schema(requiredMode = REQUIRED) Relationship partitionReassignments,
        @JsonProperty("under_replicated_partitions_count") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Strata extension (not in Confluent v3): partitions whose in-sync replica set is "
                + "smaller than their replica set, over all topics")
        Integer underReplicatedPartitionsCount,
        @JsonProperty("under_min_isr_partitions_count") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Strata extension (not in Confluent v3): partitions whose in-sync replica set is "
                + "smaller than their topic's min.insync.replicas, so acks=all produce fails, over all topics")
        Integer underMinIsrPartitionsCount,
        @JsonProperty("offline_partitions_count") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Strata extension (not in Confluent v3): partitions without a leader, over all topics")
        Integer offlinePartitionsCount) {
}
