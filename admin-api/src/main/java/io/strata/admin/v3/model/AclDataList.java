package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "AclDataList", description = "The ACLs matching a search")
public record AclDataList(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaAclList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) CollectionMetadata metadata,
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<AclData> data) {
}
