package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** One ACL ({@code KafkaAcl}): who may or may not do what, from where, on which resources. */
@Schema(name = "AclData")
public record AclData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaAcl") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("resource_type") @Schema(requiredMode = REQUIRED) AclResourceType resourceType,
        @JsonProperty("resource_name") @Schema(requiredMode = REQUIRED) String resourceName,
        @JsonProperty("pattern_type") @Schema(requiredMode = REQUIRED) AclPatternType patternType,
        @JsonProperty("principal") @Schema(requiredMode = REQUIRED, example = "User:alice") String principal,
        @JsonProperty("host") @Schema(requiredMode = REQUIRED, example = "*") String host,
        @JsonProperty("operation") @Schema(requiredMode = REQUIRED) AclOperation operation,
        @JsonProperty("permission") @Schema(requiredMode = REQUIRED) AclPermission permission) {
}
