package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** Strata extension: the outcome of a DeleteRecords per partition. */
@Schema(name = "DeleteRecordsResultDataList", description = "Strata extension (not in Confluent v3): the outcome "
        + "of deleting records, one entry per partition in request order")
public record DeleteRecordsResultDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaDeleteRecordsResultList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<Result> data) {

    @Schema(name = "DeleteRecordsResultData")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(
            @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
            @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
            @JsonProperty("partition_id") @Schema(requiredMode = REQUIRED) int partitionId,
            @JsonProperty("error_code") @Schema(requiredMode = REQUIRED, description = "200 on success, else the "
                    + "error code the same failure gets on its own (e.g. 40002 for an offset above the high "
                    + "watermark or a compacted topic)") int errorCode,
            @JsonProperty("message") @Schema(description = "Why the deletion failed") String message,
            @JsonProperty("low_watermark") @Schema(description = "The partition's earliest offset afterwards, "
                    + "reached on every live replica") Long lowWatermark) {
    }
}
