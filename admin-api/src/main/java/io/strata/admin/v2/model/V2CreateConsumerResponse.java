package io.strata.admin.v2.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "V2CreateConsumerResponse")
public record V2CreateConsumerResponse(
        @JsonProperty("instance_id") @Schema(requiredMode = REQUIRED) String instanceId,
        @JsonProperty("base_uri") @Schema(requiredMode = REQUIRED, description = "Absolute URL of the instance") String baseUri) {
}
