package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

@Schema(name = "ProduceBatchRequest", description = "Request for producing a batch of records.")
public record ProduceBatchRequest(
        @JsonProperty("entries") @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
        List<ProduceBatchRequestEntry> entries) {
}
