package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** One record of a batch produce, with the caller's id for it (unique in the batch, 1 to 80 characters). */
@Schema(name = "ProduceBatchRequestEntry")
public record ProduceBatchRequestEntry(
        @JsonProperty("id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1, maxLength = 80)
        String id,
        @JsonProperty("partition_id") @Schema(nullable = true, format = "int32") Integer partitionId,
        @JsonProperty("headers") List<ProduceRequestHeader> headers,
        @JsonProperty("key") ProduceRequestData key,
        @JsonProperty("value") ProduceRequestData value,
        @JsonProperty("timestamp") @Schema(nullable = true, format = "date-time") String timestamp) {

    public ProduceRequest record() {
        return new ProduceRequest(partitionId, headers, key, value, timestamp);
    }
}
