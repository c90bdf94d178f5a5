package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** The outcome of a batch produce: one entry per request entry, in successes or in failures. */
@Schema(name = "ProduceBatchResponse", description = "Response for producing a batch of records.")
public record ProduceBatchResponse(
        @JsonProperty("successes") List<Success> successes,
        @JsonProperty("failures") List<Failure> failures) {

    @Schema(name = "ProduceBatchResponseSuccessEntry")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Success(
            @JsonProperty("id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String id,
            @JsonProperty("cluster_id") String clusterId,
            @JsonProperty("topic_name") String topicName,
            @JsonProperty("partition_id") Integer partitionId,
            @JsonProperty("offset") Long offset,
            @JsonProperty("timestamp") @Schema(format = "date-time", nullable = true) String timestamp,
            @JsonProperty("key") ProduceResponseData key,
            @JsonProperty("value") ProduceResponseData value) {
    }

    @Schema(name = "ProduceBatchResponseFailureEntry")
    public record Failure(
            @JsonProperty("id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String id,
            @JsonProperty("error_code") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) int errorCode,
            @JsonProperty("message") String message) {
    }
}
