package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** A subscription: a list of topics or a topic name pattern (a Java regular expression), not both. */
@Schema(name = "V2Subscription")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record V2Subscription(
        @JsonProperty("topics") @Schema(nullable = true) List<String> topics,
        @JsonProperty("topic_pattern") @Schema(nullable = true) String topicPattern) {
}
