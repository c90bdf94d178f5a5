package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A new consumer instance; everything optional. Values may come as strings or numbers/booleans, as clients
 * of kafka-rest send both.
 */
@Schema(name = "V2CreateConsumerRequest")
public record V2CreateConsumerRequest(
        @JsonProperty("name") @Schema(nullable = true, description = "The instance's name; generated when absent") String name,
        @JsonProperty("id") @Schema(nullable = true, deprecated = true, description = "Deprecated alias of name") String id,
        @JsonProperty("format") @Schema(nullable = true, description = "binary (default), json, or Strata's text") String format,
        @JsonProperty("auto.offset.reset") @Schema(nullable = true, description = "earliest, latest or none") String autoOffsetReset,
        @JsonProperty("auto.commit.enable") @Schema(nullable = true, description = "true or false (default)") String autoCommitEnable,
        @JsonProperty("fetch.min.bytes") @Schema(nullable = true) String fetchMinBytes,
        @JsonProperty("consumer.request.timeout.ms") @Schema(nullable = true, description = "Longest wait of one records request")
        String consumerRequestTimeoutMs,
        @JsonProperty("isolation.level") @Schema(nullable = true, description = "Strata extension: read_uncommitted (default) or read_committed")
        String isolationLevel) {
}
