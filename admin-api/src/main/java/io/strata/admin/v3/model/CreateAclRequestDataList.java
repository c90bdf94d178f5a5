package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

@Schema(name = "CreateAclRequestDataList", description = "ACLs to create in one request")
public record CreateAclRequestDataList(
        @JsonProperty("data") @Schema(requiredMode = REQUIRED) List<CreateAclRequestData> data) {
}
