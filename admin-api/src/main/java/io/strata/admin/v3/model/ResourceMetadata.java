package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A resource's {@code metadata}: its own absolute URL and its Confluent resource name
 * ({@code crn:///kafka=<cluster>/topic=<topic>...}).
 */
@Schema(name = "ResourceMetadata")
public record ResourceMetadata(
        @JsonProperty("self") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String self,
        @JsonProperty("resource_name") @Schema(nullable = true) String resourceName) {
}
