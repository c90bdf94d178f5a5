package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** The body of every {@code configs:alter} batch (topic, broker, cluster-wide): changes applied atomically. */
@Schema(name = "AlterConfigBatchRequestData")
public record AlterConfigBatchRequestData(
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<Entry> data,
        @JsonProperty("validate_only") @Schema(description = "Only check the changes; apply nothing")
        Boolean validateOnly) {

    /** One change: SET {@code name} to {@code value} (the default operation) or DELETE it back to its default. */
    @Schema(name = "AlterConfigBatchRequestDataEntry")
    public record Entry(
            @JsonProperty("name") @Schema(requiredMode = REQUIRED) String name,
            @JsonProperty("value") @Schema(nullable = true) String value,
            @JsonProperty("operation") @Schema(nullable = true,
                    description = "SET (when absent) or DELETE") String operation) {
    }
}
