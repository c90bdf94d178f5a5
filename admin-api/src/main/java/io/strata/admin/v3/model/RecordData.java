package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/**
 * One stored record as Strata's record reads answer it (an extension to v3): where it is, when, and its key,
 * value and headers in the requested format.
 */
@Schema(name = "KafkaRecordData", description = "A stored record (Strata extension)")
public record RecordData(
        @JsonProperty("kind") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "KafkaRecord") String kind,
        @JsonProperty("topic_name") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String topicName,
        @JsonProperty("partition_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) int partitionId,
        @JsonProperty("offset") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) long offset,
        @JsonProperty("timestamp") @Schema(format = "date-time", nullable = true) String timestamp,
        @JsonProperty("timestamp_type") @Schema(allowableValues = {"CREATE_TIME", "LOG_APPEND_TIME", "NO_TIMESTAMP_TYPE"})
        String timestampType,
        @JsonProperty("key") @Schema(nullable = true) Data key,
        @JsonProperty("value") @Schema(nullable = true) Data value,
        @JsonProperty("headers") List<Header> headers) {

    /** A key or value: the format it is shown in and its data (base64, a string, or the JSON itself). */
    @Schema(name = "KafkaRecordDataValue")
    public record Data(
            @JsonProperty("type") @Schema(allowableValues = {"BINARY", "STRING", "JSON"}) String type,
            @JsonProperty("size") long size,
            @JsonProperty("data") Object data) {
    }

    /** A header with its value in base64 ({@code null} when it has none), as v3 produce takes them. */
    @Schema(name = "KafkaRecordHeader")
    public record Header(@JsonProperty("name") String name,
                         @JsonProperty("value") @Schema(format = "byte", nullable = true) String value) {
    }
}
