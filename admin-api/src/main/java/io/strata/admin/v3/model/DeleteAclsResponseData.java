package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "DeleteAclsResponseData", description = "The ACLs a delete by filter removed")
public record DeleteAclsResponseData(@JsonProperty("data") @Schema(requiredMode = REQUIRED) List<AclData> data) {
}
