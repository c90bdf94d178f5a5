package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

/** A broker of the cluster ({@code KafkaBroker}): where it listens, its rack, links to its configs and replicas. */
@Schema(name = "BrokerData")
public record BrokerData(
        @JsonProperty("kind") @Schema(requiredMode = REQUIRED, example = "KafkaBroker") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = REQUIRED) ResourceMetadata metadata,
        @JsonProperty("cluster_id") @Schema(requiredMode = REQUIRED) String clusterId,
        @JsonProperty("broker_id") @Schema(requiredMode = REQUIRED) int brokerId,
        @JsonProperty("host") @Schema(nullable = true) String host,
        @JsonProperty("port") @Schema(nullable = true) Integer port,
        @JsonProperty("rack") @Schema(nullable = true) String rack,
        @JsonProperty("configs") @Schema(requiredMode = REQUIRED) Relationship configs,
        @JsonProperty("partition_replicas") @Schema(requiredMode = REQUIRED) Relationship partitionReplicas,
        @JsonProperty("software_version") @com.fasterxml.jackson.annotation.JsonInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        @Schema(description = "Strata extension: the software version the broker runs; absent when it does not say")
        String softwareVersion,
        @JsonProperty("log_dirs") @com.fasterxml.jackson.annotation.JsonInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        @Schema(description = "Strata extension: the broker's log dirs with the bytes they hold (what "
                + "kafka-log-dirs.sh shows); absent when the broker did not describe them") List<LogDir> logDirs) {

    /** Strata extension: one log dir of a broker. */
    @Schema(name = "BrokerLogDirData", description = "Strata extension: one log dir of a broker")
    public record LogDir(
            @JsonProperty("path") @Schema(requiredMode = REQUIRED) String path,
            @JsonProperty("size_bytes") @Schema(requiredMode = REQUIRED,
                    description = "The bytes the dir's replicas hold") long sizeBytes,
            @JsonProperty("error") @Schema(nullable = true,
                    description = "Why the dir is unusable (offline); null while it is healthy") String error) {
    }
}
