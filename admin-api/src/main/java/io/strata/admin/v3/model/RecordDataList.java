package io.strata.admin.v3.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/**
 * A page of records of one partition (Strata extension). {@code metadata.next} reads the page after this one;
 * {@code next_offset} is where it starts.
 */
@Schema(name = "KafkaRecordDataList", description = "Records read from a partition (Strata extension)")
public record RecordDataList(
        @JsonProperty("kind") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "KafkaRecordList") String kind,
        @JsonProperty("metadata") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) CollectionMetadata metadata,
        @JsonProperty("beginning_offset") long beginningOffset,
        @JsonProperty("end_offset") long endOffset,
        @JsonProperty("next_offset") long nextOffset,
        @JsonProperty("data") @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<RecordData> data) {
}
