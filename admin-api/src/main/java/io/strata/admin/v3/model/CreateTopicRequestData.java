package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/**
 * A topic to create. Absent {@code partitions_count} and {@code replication_factor} take the broker's defaults;
 * {@code replicas_assignments} (partition id to broker ids) replaces both.
 */
@Schema(name = "CreateTopicRequestData")
public record CreateTopicRequestData(
        @JsonProperty("topic_name") @Schema(requiredMode = REQUIRED) String topicName,
        @JsonProperty("partitions_count") Integer partitionsCount,
        @JsonProperty("replication_factor") Integer replicationFactor,
        @JsonProperty("replicas_assignments") @Schema(description = "Partition id (a string) to the ids of the "
                + "brokers holding its replicas, the first preferred as leader")
        Map<String, List<Integer>> replicasAssignments,
        @JsonProperty("configs") List<ConfigValue> configs,
        @JsonProperty("validate_only") @Schema(description = "Only check that the topic could be created")
        Boolean validateOnly) {

    /** One config of the new topic. */
    @Schema(name = "CreateTopicRequestDataConfig")
    public record ConfigValue(
            @JsonProperty("name") @Schema(requiredMode = REQUIRED) String name,
            @JsonProperty("value") @Schema(nullable = true) String value) {
    }
}
