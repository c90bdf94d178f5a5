package io.strata.admin.v2;

import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import io.strata.admin.service.HttpRecordMetrics;
import io.strata.admin.service.consumer.ConsumerInstance;
import io.strata.admin.service.consumer.ConsumerInstanceDefinition;
import io.strata.admin.service.consumer.ConsumerInstanceRegistry;
import io.strata.admin.v2.model.V2ConsumerRecord;
import io.strata.admin.v2.model.V2CreateConsumerRequest;
import io.strata.admin.v2.model.V2CreateConsumerResponse;
import io.strata.admin.v2.model.V2Header;
import io.strata.admin.v2.model.V2Offsets;
import io.strata.admin.v2.model.V2Partitions;
import io.strata.admin.v2.model.V2SeekRequest;
import io.strata.admin.v2.model.V2Subscription;
import io.strata.admin.v2.model.V2TopicPartition;
import io.strata.admin.v2.model.V2TopicPartitionOffset;
import io.strata.admin.v2.model.V2TopicPartitionTimestamp;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Confluent v2 consumer instances: create, subscribe or assign, seek, read records in the instance's format,
 * commit and read offsets, delete. Each instance is one group member served by this node's registry.
 */
@RestController
@RequestMapping(path = "/consumers/{group}", produces = {V2MediaTypes.V2_JSON, V2MediaTypes.GENERIC})
@Tag(name = "Consumers (v2)", description = "Confluent REST Proxy v2 compatible consumer instances")
public class V2ConsumersController {
    /** kafka-rest's default {@code consumer.request.max.bytes}: the most one records response carries. */
    static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    private static final String INSTANCE = "/instances/{instance}";
    private static final String NOT_FOUND = "Consumer instance not found (error_code 40403)";

    private final ConsumerInstanceRegistry registry;
    private final KafkaGateway gateway;
    private final HttpRecordMetrics metrics;

    public V2ConsumersController(ConsumerInstanceRegistry registry, KafkaGateway gateway, HttpRecordMetrics metrics) {
        this.registry = registry;
        this.gateway = gateway;
        this.metrics = metrics;
    }

    @PostMapping(consumes = {V2MediaTypes.V2_JSON, V2MediaTypes.GENERIC})
    @Operation(operationId = "createConsumerInstanceV2", summary = "Create a consumer instance (v2)",
            description = "Creates a consumer instance in the group and answers its id and absolute base_uri "
                    + "(behind a proxy, built from X-Forwarded-*). All settings optional: name (id is a "
                    + "deprecated alias), format binary (default), json or Strata's text, auto.offset.reset "
                    + "(latest), auto.commit.enable (false: commit what a records request returned after it), "
                    + "fetch.min.bytes, consumer.request.timeout.ms (1000), and Strata's isolation.level "
                    + "extension. Instances idle longer than strata.http.consumer-instance-timeout are deleted.")
    @ApiResponse(responseCode = "409", description = "An instance of this name exists in the group (40902)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "422", description = "Invalid consumer configuration (42204)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public V2CreateConsumerResponse create(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                                           @RequestBody(required = false) V2CreateConsumerRequest request) {
        ConsumerInstanceDefinition definition = V2ConsumerConfigs.definition(group, request, gateway.requestTimeout());
        registry.create(definition);
        String baseUri = ServletUriComponentsBuilder.fromCurrentContextPath()
                .pathSegment("consumers", group, "instances", definition.name()).encode().build().toUriString();
        return new V2CreateConsumerResponse(definition.name(), baseUri);
    }

    @DeleteMapping(INSTANCE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteConsumerInstanceV2", summary = "Delete a consumer instance (v2)",
            description = "Closes the instance's consumer, which leaves its group.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void delete(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                       @Parameter(description = "The instance's id.") @PathVariable("instance") String instance) {
        registry.delete(group, instance);
    }

    @PostMapping(path = INSTANCE + "/subscription", consumes = {V2MediaTypes.V2_JSON, V2MediaTypes.GENERIC})
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "subscribeV2", summary = "Subscribe to topics (v2)",
            description = "Subscribes the instance to a list of topics or to the topics matching topic_pattern "
                    + "(a Java regular expression), replacing its subscription.")
    @ApiResponse(responseCode = "204", description = "Subscribed")
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "409", description = "The instance has manual assignments (40903)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "422", description = "Neither or both of topics and topic_pattern, or a bad pattern",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void subscribe(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                          @Parameter(description = "The instance's id.") @PathVariable("instance") String instance,
                          @RequestBody V2Subscription subscription) {
        boolean topics = subscription.topics() != null && !subscription.topics().isEmpty();
        boolean pattern = subscription.topicPattern() != null && !subscription.topicPattern().isEmpty();
        if (topics == pattern) {
            throw unprocessable("A subscription names either topics or topic_pattern");
        }
        if (pattern) {
            try {
                Pattern.compile(subscription.topicPattern());
            } catch (PatternSyntaxException e) {
                throw unprocessable("topic_pattern is not a valid regular expression: " + e.getDescription());
            }
        }
        registry.get(group, instance).subscribe(topics
                ? ConsumerInstanceDefinition.Subscription.toTopics(subscription.topics())
                : ConsumerInstanceDefinition.Subscription.toPattern(subscription.topicPattern()));
    }

    @GetMapping(INSTANCE + "/subscription")
    @Operation(operationId = "getSubscriptionV2", summary = "Get the subscribed topics (v2)",
            description = "The topics the instance is subscribed to (those a pattern matched so far).")
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public V2Subscription subscription(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                                       @Parameter(description = "The instance's id.") @PathVariable("instance") String instance) {
        return new V2Subscription(registry.get(group, instance).subscription().stream().sorted().toList(), null);
    }

    @DeleteMapping(INSTANCE + "/subscription")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "unsubscribeV2", summary = "Unsubscribe (v2)",
            description = "Ends the instance's subscription and manual assignments.")
    @ApiResponse(responseCode = "204", description = "Unsubscribed")
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void unsubscribe(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                            @Parameter(description = "The instance's id.") @PathVariable("instance") String instance) {
        registry.get(group, instance).unsubscribe();
    }

    @PostMapping(path = INSTANCE + "/assignments", consumes = {V2MediaTypes.V2_JSON, V2MediaTypes.GENERIC})
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "assignPartitionsV2", summary = "Assign partitions (v2)",
            description = "Assigns the partitions to the instance by hand, replacing earlier assignments.")
    @ApiResponse(responseCode = "204", description = "Assigned")
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "409", description = "The instance is subscribed (40903)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void assign(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                       @Parameter(description = "The instance's id.") @PathVariable("instance") String instance,
                       @RequestBody V2Partitions partitions) {
        registry.get(group, instance).assign(topicPartitions(partitions));
    }

    @GetMapping(INSTANCE + "/assignments")
    @Operation(operationId = "getAssignmentsV2", summary = "Get the assigned partitions (v2)",
            description = "The partitions the instance holds, assigned by hand or by its group.")
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public V2Partitions assignments(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                                    @Parameter(description = "The instance's id.") @PathVariable("instance") String instance) {
        return new V2Partitions(registry.get(group, instance).assignment().stream()
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .map(tp -> new V2TopicPartition(tp.topic(), tp.partition())).toList());
    }

    @PostMapping(path = INSTANCE + "/positions", consumes = {V2MediaTypes.V2_JSON, V2MediaTypes.GENERIC})
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "seekV2", summary = "Seek to offsets (v2)",
            description = "The next records request reads each partition in offsets from the given offset, and "
                    + "each partition in timestamps from its first record at or after the given time (epoch ms; "
                    + "its end when there is none).")
    @ApiResponse(responseCode = "204", description = "Positions set")
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "409", description = "A partition not assigned to the instance (40903)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void seek(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                     @Parameter(description = "The instance's id.") @PathVariable("instance") String instance,
                     @RequestBody V2SeekRequest seek) {
        if ((seek.offsets() == null || seek.offsets().isEmpty()) && (seek.timestamps() == null || seek.timestamps().isEmpty())) {
            throw unprocessable("A seek names offsets or timestamps");
        }
        ConsumerInstance consumer = registry.get(group, instance);
        if (seek.offsets() != null && !seek.offsets().isEmpty()) {
            consumer.seek(offsets(new V2Offsets(seek.offsets()), 0));
        }
        if (seek.timestamps() != null && !seek.timestamps().isEmpty()) {
            Map<TopicPartition, Long> timestamps = new LinkedHashMap<>();
            for (V2TopicPartitionTimestamp t : seek.timestamps()) {
                if (t == null || t.topic() == null || t.partition() == null || t.timestamp() == null
                        || t.partition() < 0 || t.timestamp() < 0) {
                    throw unprocessable("Every timestamp needs a topic, a partition and a non-negative timestamp");
                }
                timestamps.put(new TopicPartition(t.topic(), t.partition()), t.timestamp());
            }
            consumer.seekToTimestamps(timestamps);
        }
    }

    @PostMapping(path = INSTANCE + "/positions/beginning", consumes = {V2MediaTypes.V2_JSON, V2MediaTypes.GENERIC})
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "seekToBeginningV2", summary = "Seek to the beginning (v2)",
            description = "The next records request reads the given partitions from their first offset.")
    @ApiResponse(responseCode = "204", description = "Positions set")
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "409", description = "A partition not assigned to the instance (40903)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void seekToBeginning(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                                @Parameter(description = "The instance's id.") @PathVariable("instance") String instance,
                                @RequestBody V2Partitions partitions) {
        registry.get(group, instance).seekToBeginning(topicPartitions(partitions));
    }

    @PostMapping(path = INSTANCE + "/positions/end", consumes = {V2MediaTypes.V2_JSON, V2MediaTypes.GENERIC})
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "seekToEndV2", summary = "Seek to the end (v2)",
            description = "The next records request reads only records written to the given partitions from now.")
    @ApiResponse(responseCode = "204", description = "Positions set")
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "409", description = "A partition not assigned to the instance (40903)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public void seekToEnd(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                          @Parameter(description = "The instance's id.") @PathVariable("instance") String instance,
                          @RequestBody V2Partitions partitions) {
        registry.get(group, instance).seekToEnd(topicPartitions(partitions));
    }

    @GetMapping(path = INSTANCE + "/records", produces = {V2MediaTypes.BINARY, V2MediaTypes.JSON, V2MediaTypes.TEXT,
            V2MediaTypes.V2_JSON, V2MediaTypes.GENERIC, MediaType.ALL_VALUE})
    @Operation(operationId = "readRecordsV2", summary = "Read records (v2)",
            description = "The next records of the instance's partitions, waiting at most timeout ms (capped by "
                    + "consumer.request.timeout.ms) and answering at most max_bytes of keys and values (at least "
                    + "one record). Accept must be the instance format's type (application/vnd.kafka.binary.v2+json, "
                    + "application/vnd.kafka.json.v2+json, or Strata's application/vnd.kafka.text.v2+json) or "
                    + "generic; the response has that type. The first requests after subscribing may answer [] "
                    + "while the instance joins its group. Strata's extensions on each record: headers "
                    + "[{name, value: base64}] and timestamp (epoch ms).")
    @ApiResponse(responseCode = "200", description = "The records, possibly none",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = V2ConsumerRecord.class))))
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "406", description = "Accept names another format than the instance's (40601)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ResponseEntity<List<V2ConsumerRecord>> records(
            @Parameter(description = "The consumer group.") @PathVariable("group") String group,
            @Parameter(description = "The instance's id.") @PathVariable("instance") String instance,
            @Parameter(description = "The longest wait for records, ms") @RequestParam(name = "timeout", required = false) Long timeout,
            @Parameter(description = "The most bytes of keys and values to answer") @RequestParam(name = "max_bytes", required = false) Long maxBytes,
            @Parameter(hidden = true) @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        if ((timeout != null && timeout < 0) || (maxBytes != null && maxBytes <= 0)) {
            throw RestException.badRequest("timeout may not be negative and max_bytes must be positive");
        }
        ConsumerInstance consumer = registry.get(group, instance);
        EmbeddedFormat format = EmbeddedFormat.of(consumer.definition().format());
        requireAcceptable(accept, format);
        Duration longest = consumer.definition().requestTimeout();
        Duration wait = timeout == null || timeout > longest.toMillis() ? longest : Duration.ofMillis(timeout);
        List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(wait, maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes);
        List<V2ConsumerRecord> body = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            body.add(new V2ConsumerRecord(record.topic(), format.encode(record.key()), format.encode(record.value()),
                    record.partition(), record.offset(), headers(record), record.timestamp()));
        }
        metrics.consumed(V2TopicsController.API, body.size());
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(format.mediaType())).body(body);
    }

    @PostMapping(path = INSTANCE + "/offsets", consumes = {V2MediaTypes.V2_JSON, V2MediaTypes.GENERIC})
    @Operation(operationId = "commitOffsetsV2", summary = "Commit offsets (v2)",
            description = "Commits, for each given partition, the offset after the given one (the offset of the "
                    + "last record processed, as kafka-rest). Without a body, commits every record the instance "
                    + "has returned so far. Answers an empty JSON array.")
    @ApiResponse(responseCode = "200", description = "Committed: []",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = V2TopicPartitionOffset.class))))
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public List<V2TopicPartitionOffset> commit(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                                               @Parameter(description = "The instance's id.") @PathVariable("instance") String instance,
                                               @RequestBody(required = false) V2Offsets offsets) {
        ConsumerInstance consumer = registry.get(group, instance);
        consumer.commit(offsets == null || offsets.offsets() == null ? null : offsets(offsets, 1));
        return List.of();
    }

    @GetMapping(path = INSTANCE + "/offsets")
    @Operation(operationId = "getCommittedOffsetsV2", summary = "Get committed offsets (v2)",
            description = "The group's committed offsets of the given partitions (a GET with a body, as "
                    + "kafka-rest); without a body, of the partitions the instance holds. Partitions without a "
                    + "committed offset are left out.")
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public V2Offsets committed(@Parameter(description = "The consumer group.") @PathVariable("group") String group,
                               @Parameter(description = "The instance's id.") @PathVariable("instance") String instance,
                               @RequestBody(required = false) V2Partitions partitions) {
        ConsumerInstance consumer = registry.get(group, instance);
        Set<TopicPartition> asked = partitions == null || partitions.partitions() == null
                ? consumer.assignment() : new HashSet<>(topicPartitions(partitions));
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(asked);
        return new V2Offsets(committed.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::topic)
                        .thenComparingInt(TopicPartition::partition)))
                .map(e -> new V2TopicPartitionOffset(e.getKey().topic(), e.getKey().partition(),
                        e.getValue().offset(), e.getValue().metadata()))
                .toList());
    }

    /** 406/40601 unless Accept is absent, generic, or names the instance's format. */
    private static void requireAcceptable(String accept, EmbeddedFormat format) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        List<MediaType> types;
        try {
            types = MediaType.parseMediaTypes(accept);
        } catch (IllegalArgumentException e) {
            throw new RestException(HttpStatus.NOT_ACCEPTABLE, 40601, "Unreadable Accept header: " + accept);
        }
        MediaType wanted = MediaType.parseMediaType(format.mediaType());
        for (MediaType type : types) {
            if (type.isWildcardType() || type.equalsTypeAndSubtype(MediaType.APPLICATION_JSON)
                    || type.equalsTypeAndSubtype(wanted) || (type.getType().equals("application") && type.isWildcardSubtype())
                    || type.equalsTypeAndSubtype(MediaType.parseMediaType(V2MediaTypes.V2_JSON))) {
                return;
            }
        }
        throw new RestException(HttpStatus.NOT_ACCEPTABLE, 40601, "The requested embedded data format does not "
                + "match the deserializer for this consumer instance (" + format.name().toLowerCase() + "); accept "
                + format.mediaType());
    }

    private static List<V2Header> headers(ConsumerRecord<byte[], byte[]> record) {
        List<V2Header> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new V2Header(header.key(),
                    header.value() == null ? null : Base64.getEncoder().encodeToString(header.value())));
        }
        return headers;
    }

    private static List<TopicPartition> topicPartitions(V2Partitions partitions) {
        if (partitions == null || partitions.partitions() == null) {
            throw unprocessable("partitions is required");
        }
        List<TopicPartition> result = new ArrayList<>();
        for (V2TopicPartition p : partitions.partitions()) {
            if (p == null || p.topic() == null || p.partition() == null || p.partition() < 0) {
                throw unprocessable("Every partition needs a topic and a non-negative partition");
            }
            result.add(new TopicPartition(p.topic(), p.partition()));
        }
        return result;
    }

    /** The offsets by partition, each plus {@code add} (1 for a commit: the record after the one processed). */
    private static Map<TopicPartition, OffsetAndMetadata> offsets(V2Offsets offsets, long add) {
        if (offsets == null || offsets.offsets() == null) {
            throw unprocessable("offsets is required");
        }
        Map<TopicPartition, OffsetAndMetadata> result = new LinkedHashMap<>();
        for (V2TopicPartitionOffset o : offsets.offsets()) {
            if (o == null || o.topic() == null || o.partition() == null || o.offset() == null || o.partition() < 0
                    || o.offset() < 0) {
                throw unprocessable("Every offset needs a topic, a partition and a non-negative offset");
            }
            result.put(new TopicPartition(o.topic(), o.partition()), new OffsetAndMetadata(o.offset() + add, o.metadata()));
        }
        return result;
    }

    private static RestException unprocessable(String message) {
        return new RestException(HttpStatus.UNPROCESSABLE_CONTENT, 422, message);
    }
}
