package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.strata.admin.v3.records.ProduceDataDeserializer;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A record's key or value in a v3 produce request: its {@code type} (BINARY: base64 {@code data}, JSON: any JSON
 * stored as UTF-8 JSON text, STRING: a string stored as UTF-8; BINARY when absent, as kafka-rest does) and the
 * {@code data}. Schema formats (AVRO, JSONSCHEMA, PROTOBUF) need a Schema Registry, which Strata does not have:
 * they are refused per record.
 */
@Schema(name = "ProduceRequestData", nullable = true)
public record ProduceRequestData(
        @JsonProperty("type") @Schema(allowableValues = {"BINARY", "JSON", "STRING", "AVRO", "JSONSCHEMA", "PROTOBUF"})
        String type,
        @JsonProperty("subject") @Schema(nullable = true) String subject,
        @JsonProperty("subject_name_strategy") @Schema(nullable = true) String subjectNameStrategy,
        @JsonProperty("schema_id") @Schema(nullable = true) Integer schemaId,
        @JsonProperty("schema_version") @Schema(nullable = true) Integer schemaVersion,
        @JsonProperty("schema") @Schema(nullable = true) String schema,
        @JsonProperty("data") @Schema(description = "The data: base64 for BINARY, a string for STRING, any JSON for JSON")
        @JsonDeserialize(using = ProduceDataDeserializer.class)
        JsonNode data) {
}
