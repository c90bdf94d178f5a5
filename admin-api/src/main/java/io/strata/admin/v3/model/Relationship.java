package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** A link to a related resource or collection: {@code {"related": "<absolute URL>"}}. */
@Schema(name = "Relationship")
public record Relationship(@JsonProperty("related") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String related) {

    public static Relationship to(String url) {
        return new Relationship(url);
    }
}
