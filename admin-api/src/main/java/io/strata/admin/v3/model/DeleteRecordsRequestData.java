package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** Strata extension: which partitions of a topic to delete records from, like kafka-delete-records.sh. */
@Schema(name = "DeleteRecordsRequestData", description = "Strata extension (not in Confluent v3): records to "
        + "delete from the start of a topic's partitions")
public record DeleteRecordsRequestData(
        @JsonProperty("partitions") @Schema(requiredMode = REQUIRED) List<Partition> partitions) {

    @Schema(name = "DeleteRecordsPartition")
    public record Partition(
            @JsonProperty("partition_id") @Schema(requiredMode = REQUIRED) Integer partitionId,
            @JsonProperty("before_offset") @Schema(requiredMode = REQUIRED, description = "Records below this "
                    + "offset are deleted: it becomes the partition's earliest offset. -1 means the high watermark "
                    + "(everything consumers can read).") Long beforeOffset) {
    }
}
