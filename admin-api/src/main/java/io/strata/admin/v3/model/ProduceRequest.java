package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** One record to produce: optional partition (else the producer's partitioner), headers, key, value, timestamp. */
@Schema(name = "ProduceRequest")
public record ProduceRequest(
        @JsonProperty("partition_id") @Schema(nullable = true, format = "int32") Integer partitionId,
        @JsonProperty("headers") List<ProduceRequestHeader> headers,
        @JsonProperty("key") ProduceRequestData key,
        @JsonProperty("value") ProduceRequestData value,
        @JsonProperty("timestamp") @Schema(nullable = true, format = "date-time",
                description = "The record's timestamp (ISO-8601); the time of the request when absent")
        String timestamp) {
}
