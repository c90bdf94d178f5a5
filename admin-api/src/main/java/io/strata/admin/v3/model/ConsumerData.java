package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A member of a consumer group ({@code KafkaConsumer}). */
@Schema(name = "ConsumerData")
public record ConsumerData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaConsumer") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("consumer_group_id") @Schema(requiredMode = REQUIRED) String consumerGroupId,
        @JsonProperty("consumer_id") @Schema(requiredMode = REQUIRED, description = "The member id") String consumerId,
        @JsonProperty("instance_id") @Schema(nullable = true, description = "The static member id (group.instance.id)")
        String instanceId,
        @JsonProperty("client_id") @Schema(requiredMode = REQUIRED) String clientId,
        @JsonProperty("assignments") @Schema(requiredMode = REQUIRED) Relationship assignments) {
}
