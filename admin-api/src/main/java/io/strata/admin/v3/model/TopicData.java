package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A topic ({@code KafkaTopic}) with links to its partitions, configs and partition reassignments. */
@Schema(name = "TopicData")
public record TopicData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaTopic") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
        @JsonProperty("is_internal") @Schema(requiredMode = REQUIRED) boolean isInternal,
        @JsonProperty("replication_factor") @Schema(requiredMode = REQUIRED) int replicationFactor,
        @JsonProperty("partitions_count") @Schema(requiredMode = REQUIRED) int partitionsCount,
        @JsonProperty("partitions") @Schema(requiredMode = REQUIRED) Relationship partitions,
        @JsonProperty("configs") @Schema(requiredMode = REQUIRED) Relationship configs,
        @JsonProperty("partition_reassignments") @Schema(requiredMode = REQUIRED) Relationship partitionReassignments,
        @JsonProperty("size_bytes") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Strata extension (not in Confluent v3): bytes on disk of one copy of the topic (the "
                + "sum of its partitions' leader replica sizes, from DescribeLogDirs); absent when a leader did not "
                + "report its size") Long sizeBytes,
        @JsonProperty("offset_span") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Strata extension (not in Confluent v3): the sum over the topic's partitions of latest "
                + "minus earliest offset, only when the list is asked with include_offset_span=true. It bounds the "
                + "records the topic holds from above: compacted-away records, transaction markers and aborted "
                + "records still take offsets. Absent when a partition's offsets could not be read") Long offsetSpan) {

    /** This topic with {@code offsetSpan} set (null leaves it out). */
    public TopicData withOffsetSpan(Long span) {
        return new TopicData(kind, metadata, clusterId, topicName, isInternal, replicationFactor, partitionsCount,
                partitions, configs, partitionReassignments, sizeBytes, span);
    }
}
