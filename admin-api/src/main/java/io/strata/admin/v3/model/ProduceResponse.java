package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The delivery report of one produced record: {@code error_code} 200 with where it was stored, or the error code
 * and message of why it was not (then only those two fields).
 */
@Schema(name = "ProduceResponse")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProduceResponse(
        @JsonProperty("error_code") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) int errorCode,
        @JsonProperty("message") String message,
        @JsonProperty("cluster_id") String clusterId,
        @JsonProperty("topic_name") String topicName,
        @JsonProperty("partition_id") Integer partitionId,
        @JsonProperty("offset") Long offset,
        @JsonProperty("timestamp") @Schema(format = "date-time", nullable = true) String timestamp,
        @JsonProperty("key") ProduceResponseData key,
        @JsonProperty("value") ProduceResponseData value) {

    public static ProduceResponse error(int errorCode, String message) {
        return new ProduceResponse(errorCode, message, null, null, null, null, null, null, null);
    }
}
