package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** An ACL to create. */
@Schema(name = "CreateAclRequestData")
public record CreateAclRequestData(
        @JsonProperty("resource_type") @Schema(requiredMode = REQUIRED) AclResourceType resourceType,
        @JsonProperty("resource_name") @Schema(requiredMode = REQUIRED,
                description = "For CLUSTER: kafka-cluster") String resourceName,
        @JsonProperty("pattern_type") @Schema(requiredMode = REQUIRED, description = "LITERAL or PREFIXED")
        AclPatternType patternType,
        @JsonProperty("principal") @Schema(requiredMode = REQUIRED, example = "User:alice") String principal,
        @JsonProperty("host") @Schema(requiredMode = REQUIRED, example = "*") String host,
        @JsonProperty("operation") @Schema(requiredMode = REQUIRED) AclOperation operation,
        @JsonProperty("permission") @Schema(requiredMode = REQUIRED, description = "ALLOW or DENY")
        AclPermission permission) {
}
