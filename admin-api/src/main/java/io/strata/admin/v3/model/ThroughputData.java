package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/**
 * Strata extension: cumulative traffic counters of the broker in the serving process, for live charts (rates are
 * the difference of two samples divided by the time between them).
 */
@Schema(name = "ThroughputData", description = "Strata extension: cumulative traffic counters of the broker in the "
        + "process that served the request, since it started")
public record ThroughputData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "StrataThroughput") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("sampled_at") @Schema(requiredMode = REQUIRED, format = "date-time") String sampledAt,
        @JsonProperty("bytes_in") @Schema(requiredMode = REQUIRED, description = "Bytes appended to all topics") long bytesIn,
        @JsonProperty("bytes_out") @Schema(requiredMode = REQUIRED, description = "Bytes fetched from all topics") long bytesOut,
        @JsonProperty("messages_in") @Schema(requiredMode = REQUIRED) long messagesIn,
        @JsonProperty("messages_out") @Schema(requiredMode = REQUIRED) long messagesOut,
        @JsonProperty("produce_requests") @Schema(requiredMode = REQUIRED) RequestCounters produceRequests,
        @JsonProperty("fetch_requests") @Schema(requiredMode = REQUIRED,
                description = "Consumer and follower fetches") RequestCounters fetchRequests) {

    /** Requests of one Kafka API answered so far. */
    @Schema(name = "ThroughputRequestCounters")
    public record RequestCounters(
            @JsonProperty("count") @Schema(requiredMode = REQUIRED) long count,
            @JsonProperty("total_time_ms") @Schema(requiredMode = REQUIRED,
                    description = "Summed handling time; with count, the mean latency between two samples") double totalTimeMs,
            @JsonProperty("errors") @Schema(requiredMode = REQUIRED) long errors) {
    }
}
