package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** A collection's {@code metadata}: its own absolute URL and the next page's ({@code null}: no more pages). */
@Schema(name = "ResourceCollectionMetadata")
public record CollectionMetadata(
        @JsonProperty("self") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String self,
        @JsonProperty("next") @Schema(nullable = true) String next) {

    public static CollectionMetadata of(String self) {
        return new CollectionMetadata(self, null);
    }
}
