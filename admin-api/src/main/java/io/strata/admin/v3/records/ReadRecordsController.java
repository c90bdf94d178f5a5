package io.strata.admin.v3.records;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.HttpRecordMetrics;
import io.strata.admin.service.PartitionService;
import io.strata.admin.service.RecordReader;
import io.strata.admin.v3.model.CollectionMetadata;
import io.strata.admin.v3.model.RecordDataList;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.kafka.common.TopicPartition;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Strata's record reads (extensions to v3): a stateless page of a partition at an offset or a time, and the same
 * reads live as Server-Sent Events for a partition, a whole topic, or what a consumer group will read next.
 */
@RestController
@RequestMapping("/v3/clusters/{cluster_id}")
@Tag(name = "Records (v3)")
public class ReadRecordsController {
    private static final int MAX_LIMIT = 10_000;
    private static final Duration READ_WAIT = Duration.ofSeconds(2);

    private final ClusterService clusters;
    private final RecordReader reader;
    private final RecordTails tails;
    private final HttpRecordMetrics metrics;
    private final PartitionService partitions;

    public ReadRecordsController(ClusterService clusters, RecordReader reader, RecordTails tails,
                                 HttpRecordMetrics metrics, PartitionService partitions) {
        this.clusters = clusters;
        this.reader = reader;
        this.partitions = partitions;
        this.tails = tails;
        this.metrics = metrics;
    }

    @GetMapping(path = "/topics/{topic_name}/partitions/{partition_id}/records", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "readKafkaPartitionRecords", summary = "Read Records (Strata extension)",
            description = "Strata extension. Reads up to `limit` records of the partition starting at `offset`, or "
                    + "at the first record at or after `timestamp`, or at `from` (earliest, the default, or latest), "
                    + "clamped to the partition's offsets. Keys and values are shown in `format`. metadata.next "
                    + "reads the following page; it is null at the end of the partition.",
            responses = {
                    @ApiResponse(responseCode = "200", description = "A page of records",
                            content = @Content(schema = @Schema(implementation = RecordDataList.class))),
                    @ApiResponse(responseCode = "404", description = "No such topic or partition (error_code 40403)",
                            content = @Content(schema = @Schema(implementation = ErrorBody.class))),
                    @ApiResponse(responseCode = "422", description = "format=json and a record is not JSON (42203)",
                            content = @Content(schema = @Schema(implementation = ErrorBody.class)))})
    public RecordDataList read(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topic,
            @Parameter(description = "The partition ID.") @PathVariable("partition_id") int partition,
            @Parameter(description = "The first offset to read.") @RequestParam(name = "offset", required = false) Long offset,
            @Parameter(description = "Read from the first record at or after this time: ISO-8601 or epoch ms.")
            @RequestParam(name = "timestamp", required = false) String timestamp,
            @Parameter(description = "earliest or latest, when neither offset nor timestamp is given.")
            @RequestParam(name = "from", defaultValue = "earliest") String from,
            @Parameter(description = "Most records to return (1 to 10000).") @RequestParam(name = "limit", defaultValue = "100") int limit,
            @Parameter(description = "Most bytes of keys and values to return.")
            @RequestParam(name = "max_bytes", defaultValue = "4194304") long maxBytes,
            @Parameter(description = "How keys and values are shown: binary (base64), string, json or auto.")
            @RequestParam(name = "format", defaultValue = "binary") String format) {
        clusters.requireCluster(clusterId);
        RecordView view = RecordView.of(format);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw RestException.badRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        requirePartition(topic, partition);
        RecordReader.Page page = reader.read(topic, partition, start(offset, timestamp, from), limit, maxBytes, READ_WAIT);
        metrics.consumed("v3", page.records().size());
        String self = ServletUriComponentsBuilder.fromCurrentRequest().build().toUriString();
        String next = page.nextOffset() >= page.endOffset() ? null : ServletUriComponentsBuilder.fromCurrentRequest()
                .replaceQueryParam("offset", page.nextOffset()).replaceQueryParam("timestamp")
                .replaceQueryParam("from").build().toUriString();
        return new RecordDataList("KafkaRecordList", new CollectionMetadata(self, next), page.beginningOffset(),
                page.endOffset(), page.nextOffset(), page.records().stream().map(view::toData).toList());
    }

    @GetMapping(path = "/topics/{topic_name}/partitions/{partition_id}/records", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "tailKafkaPartitionRecords", summary = "Tail Records of a Partition (Strata extension)",
            description = "Strata extension. The partition's records live as Server-Sent Events (Accept: "
                    + "text/event-stream), one `record` event per record with id `partition:offset`; starts at "
                    + "`offset`, `timestamp` or `from` (latest by default); with Last-Event-ID it resumes after that "
                    + "record.",
            responses = @ApiResponse(responseCode = "404", description = "No such topic or partition (error_code 40403)",
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = ErrorBody.class))))
    public SseEmitter tailPartition(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topic,
            @Parameter(description = "The partition ID.") @PathVariable("partition_id") int partition,
            @Parameter(description = "The first offset to send.") @RequestParam(name = "offset", required = false) Long offset,
            @Parameter(description = "Start at the first record at or after this time: ISO-8601 or epoch ms.")
            @RequestParam(name = "timestamp", required = false) String timestamp,
            @Parameter(description = "earliest or latest (the default), when neither offset nor timestamp is given.")
            @RequestParam(name = "from", defaultValue = "latest") String from,
            @Parameter(description = "How keys and values are shown: binary (base64), string, json or auto.")
            @RequestParam(name = "format", defaultValue = "binary") String format,
            @Parameter(description = "The id of the last event received, to resume after it.")
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        clusters.requireCluster(clusterId);
        RecordView view = RecordView.of(format);
        requirePartition(topic, partition);
        TopicPartition tp = new TopicPartition(topic, partition);
        RecordReader.Start start = start(offset, timestamp, from);
        if (lastEventId != null && !lastEventId.isBlank()) {
            String[] parts = lastEventId.trim().split(":");
            try {
                if (parts.length != 2 || Integer.parseInt(parts[0]) != partition) {
                    throw new NumberFormatException();
                }
                start = new RecordReader.Start.AtOffset(Long.parseLong(parts[1]) + 1);
            } catch (NumberFormatException e) {
                throw RestException.badRequest("Last-Event-ID " + lastEventId + " is not partition:offset of this partition");
            }
        }
        return tails.start(reader.tail(Map.of(tp, start)), view, RecordTails.Ids.PARTITION_OFFSET);
    }

    @GetMapping(path = "/topics/{topic_name}/records", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "tailKafkaTopicRecords", summary = "Tail Records of a Topic (Strata extension)",
            description = "Strata extension. All partitions' records live as Server-Sent Events, starting at "
                    + "`timestamp` or `from` (latest by default). Each event id is an opaque token of every "
                    + "partition's next offset; send it back as Last-Event-ID to resume where the stream stopped.",
            responses = @ApiResponse(responseCode = "404", description = "No such topic (error_code 40403)",
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = ErrorBody.class))))
    public SseEmitter tailTopic(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topic,
            @Parameter(description = "Start at the first record at or after this time: ISO-8601 or epoch ms.")
            @RequestParam(name = "timestamp", required = false) String timestamp,
            @Parameter(description = "earliest or latest (the default), when no timestamp is given.")
            @RequestParam(name = "from", defaultValue = "latest") String from,
            @Parameter(description = "How keys and values are shown: binary (base64), string, json or auto.")
            @RequestParam(name = "format", defaultValue = "binary") String format,
            @Parameter(description = "The id of the last event received, to resume after it.")
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        clusters.requireCluster(clusterId);
        RecordView view = RecordView.of(format);
        List<TopicPartition> all = partitions.partitions(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, RecordReader.Start> positions = RecordReader.all(all, start(null, timestamp, from));
        resumeFrom(positions, lastEventId);
        return tails.start(reader.tail(positions), view, RecordTails.Ids.POSITION_TOKEN);
    }

    @GetMapping(path = "/consumer-groups/{consumer_group_id}/records", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "tailKafkaConsumerGroupRecords", summary = "Tail a Consumer Group's Records (Strata extension)",
            description = "Strata extension. What the consumer group will read next, live: the records of every "
                    + "partition the group has committed offsets for, from those offsets, as Server-Sent Events. "
                    + "It watches without joining the group, so the group's members and offsets are untouched. "
                    + "Event ids are position tokens for Last-Event-ID, as for a topic tail.",
            responses = @ApiResponse(responseCode = "404", description = "The group has no committed offsets (40405)",
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = ErrorBody.class))))
    public SseEmitter tailGroup(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The consumer group ID.") @PathVariable("consumer_group_id") String group,
            @Parameter(description = "How keys and values are shown: binary (base64), string, json or auto.")
            @RequestParam(name = "format", defaultValue = "binary") String format,
            @Parameter(description = "The id of the last event received, to resume after it.")
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        clusters.requireCluster(clusterId);
        RecordView view = RecordView.of(format);
        Map<TopicPartition, RecordReader.Start> positions = new HashMap<>();
        reader.committedOffsets(group).forEach((tp, offset) -> positions.put(tp, new RecordReader.Start.AtOffset(offset)));
        resumeFrom(positions, lastEventId);
        return tails.start(reader.tail(positions), view, RecordTails.Ids.POSITION_TOKEN);
    }

    /** Moves each partition a Last-Event-ID token names to the offset it gives; others keep their start. */
    private static void resumeFrom(Map<TopicPartition, RecordReader.Start> positions, String lastEventId) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            RecordTails.parseToken(lastEventId.trim()).forEach((tp, next) ->
                    positions.computeIfPresent(tp, (ignored, start) -> new RecordReader.Start.AtOffset(next)));
        }
    }

    private void requirePartition(String topic, int partition) {
        partitions.partition(topic, partition);
    }

    static RecordReader.Start start(Long offset, String timestamp, String from) {
        if (offset != null) {
            if (offset < 0) {
                throw RestException.badRequest("offset must not be negative");
            }
            return new RecordReader.Start.AtOffset(offset);
        }
        if (timestamp != null && !timestamp.isBlank()) {
            return new RecordReader.Start.AtTime(parseTime(timestamp.trim()));
        }
        return switch (from.toLowerCase(java.util.Locale.ROOT)) {
            case "earliest" -> new RecordReader.Start.Earliest();
            case "latest" -> new RecordReader.Start.Latest();
            default -> throw RestException.badRequest("from must be earliest or latest, not " + from);
        };
    }

    private static long parseTime(String text) {
        if (text.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(text);
        }
        try {
            return RecordEncoder.isoEpochMillis(text);
        } catch (DateTimeParseException e) {
            throw RestException.badRequest("timestamp " + text + " is neither ISO-8601 nor epoch milliseconds");
        }
    }
}
