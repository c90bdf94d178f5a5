package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** The body of a PUT on one config (topic, broker, cluster-wide): its new value. */
@Schema(name = "UpdateConfigRequestData")
public record UpdateConfigRequestData(@JsonProperty("value") @Schema(nullable = true) String value) {
}
