package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** Strata extension: where to move a consumer group's committed offsets, and on which partitions. */
@Schema(name = "ConsumerGroupOffsetResetRequest", description = "Strata extension (not in Confluent v3): an offset "
        + "reset of a consumer group, like kafka-consumer-groups.sh --reset-offsets")
public record ConsumerGroupOffsetResetRequest(
        @JsonProperty("strategy") @Schema(requiredMode = REQUIRED,
                allowableValues = {"EARLIEST", "LATEST", "TIMESTAMP", "OFFSET", "SHIFT_BY"},
                description = "EARLIEST/LATEST: the log's start/end; TIMESTAMP: the first offset at or after "
                        + "timestamp (the end if none); OFFSET: offset; SHIFT_BY: the committed offset plus shift_by. "
                        + "Offsets are clamped into the log's range.") String strategy,
        @JsonProperty("timestamp") @Schema(description = "For TIMESTAMP: milliseconds since the epoch") Long timestamp,
        @JsonProperty("offset") @Schema(description = "For OFFSET: the offset to commit") Long offset,
        @JsonProperty("shift_by") @Schema(description = "For SHIFT_BY: how far to move, negative moves back")
        Long shiftBy,
        @JsonProperty("topics") @Schema(description = "The topics (and partitions) to reset; absent or empty: every "
                + "partition the group has committed offsets on") List<Topic> topics,
        @JsonProperty("dry_run") @Schema(description = "Only answer the offsets the reset would commit") Boolean dryRun) {

    @Schema(name = "ConsumerGroupOffsetResetTopic")
    public record Topic(
            @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
            @JsonProperty("partitions") @Schema(description = "Partition ids; absent or empty: all of the topic's")
            List<Integer> partitions) {
    }
}
