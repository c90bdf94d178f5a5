package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** Strata's extension: the replicas (broker ids, preferred leader first) a partition is to move to. */
@Schema(name = "AlterReassignmentRequestData", description = "Strata extension (not in Confluent v3): the "
        + "target replicas of a partition reassignment")
public record AlterReassignmentRequestData(
        @JsonProperty("replicas") @Schema(requiredMode = REQUIRED) List<Integer> replicas) {
}
