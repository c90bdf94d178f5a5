package io.strata.admin.v2;

import io.strata.admin.config.HttpApiProperties;
import io.strata.admin.error.ErrorBody;
import io.strata.admin.service.v2.OutgoingRecord;
import io.strata.admin.service.v2.ProduceOutcome;
import io.strata.admin.service.v2.RecordProduceService;
import io.strata.admin.service.v2.V2TopicService;
import io.strata.admin.v2.model.V2Partition;
import io.strata.admin.v2.model.V2PartitionOffset;
import io.strata.admin.v2.model.V2PartitionOffsets;
import io.strata.admin.v2.model.V2ProduceRequest;
import io.strata.admin.v2.model.V2ProduceResponse;
import io.strata.admin.v2.model.V2Replica;
import io.strata.admin.v2.model.V2Topic;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;

/**
 * Confluent v2 topics: metadata reads and produce ({@code POST /topics/{t}}, {@code .../partitions/{p}}). The
 * embedded format of a produce request is its content type's: json, binary (base64) or Strata's text.
 */
@RestController
@RequestMapping(path = "/topics", produces = {V2MediaTypes.V2_JSON, V2MediaTypes.GENERIC})
@Tag(name = "Topics (v2)", description = "Confluent REST Proxy v2 compatible topic reads and produce")
public class V2TopicsController {
    static final String API = "v2";

    private final V2TopicService topics;
    private final RecordProduceService producer;

    private final V2ProduceBodyReader bodies;

    public V2TopicsController(V2TopicService topics, RecordProduceService producer, HttpApiProperties properties) {
        this.topics = topics;
        this.producer = producer;
        this.bodies = new V2ProduceBodyReader(properties.maxRequestSize().toBytes());
    }

    @GetMapping
    @Operation(operationId = "listTopicsV2", summary = "List topic names (v2)",
            description = "The names of the cluster's topics, internal ones excepted, as a JSON array.")
    public List<String> listTopics() {
        return topics.topicNames();
    }

    @GetMapping("/{topic}")
    @Operation(operationId = "getTopicV2", summary = "Get a topic (v2)",
            description = "The topic's name, the configs set on it and its partitions with leader and replicas.")
    @ApiResponse(responseCode = "404", description = "Topic not found (error_code 40401)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public V2Topic getTopic(@Parameter(description = "The topic's name.") @PathVariable("topic") String topic) {
        TopicDescription description = topics.describe(topic);
        List<V2Partition> partitions = description.partitions().stream()
                .sorted(Comparator.comparingInt(TopicPartitionInfo::partition)).map(V2TopicsController::toPartition)
                .toList();
        return new V2Topic(description.name(), topics.topicConfigs(topic), partitions);
    }

    @GetMapping("/{topic}/partitions")
    @Operation(operationId = "listPartitionsV2", summary = "List a topic's partitions (v2)",
            description = "The topic's partitions with their leader and replicas (in sync or not).")
    @ApiResponse(responseCode = "404", description = "Topic not found (error_code 40401)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public List<V2Partition> listPartitions(@Parameter(description = "The topic's name.") @PathVariable("topic") String topic) {
        return topics.partitions(topic).stream().map(V2TopicsController::toPartition).toList();
    }

    @GetMapping("/{topic}/partitions/{partition}")
    @Operation(operationId = "getPartitionV2", summary = "Get a partition (v2)",
            description = "The partition's leader and replicas.")
    @ApiResponse(responseCode = "404", description = "Topic (40401) or partition (40402) not found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public V2Partition getPartition(@Parameter(description = "The topic's name.") @PathVariable("topic") String topic,
                                    @Parameter(description = "The partition's id.") @PathVariable("partition") int partition) {
        return toPartition(topics.partition(topic, partition));
    }

    @GetMapping("/{topic}/partitions/{partition}/offsets")
    @Operation(operationId = "getPartitionOffsetsV2", summary = "Get a partition's offsets (v2)",
            description = "The partition's first offset (beginning_offset) and the offset its next record will "
                    + "get (end_offset).")
    @ApiResponse(responseCode = "404", description = "Topic (40401) or partition (40402) not found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public V2PartitionOffsets getOffsets(@Parameter(description = "The topic's name.") @PathVariable("topic") String topic,
                                         @Parameter(description = "The partition's id.") @PathVariable("partition") int partition) {
        long[] offsets = topics.beginningAndEndOffsets(topic, partition);
        return new V2PartitionOffsets(offsets[0], offsets[1]);
    }

    @PostMapping(path = "/{topic}", consumes = {V2MediaTypes.JSON, V2MediaTypes.BINARY, V2MediaTypes.TEXT,
            V2MediaTypes.GENERIC})
    @Operation(operationId = "produceToTopicV2", summary = "Produce records to a topic (v2)",
            description = "Produces the records, each to its partition or to the one its key hashes to, and "
                    + "answers one offsets entry per record in order (per-record failures carry error_code and "
                    + "error). Content-Type names the embedded format: application/vnd.kafka.json.v2+json (or "
                    + "application/json), application/vnd.kafka.binary.v2+json (base64), or Strata's extension "
                    + "application/vnd.kafka.text.v2+json (UTF-8 strings). Strata's extensions: headers "
                    + "[{name, value: base64}] and timestamp (epoch ms) on each record. When the topic does not "
                    + "exist it is created if the cluster creates topics on use (auto.create.topics.enable), "
                    + "otherwise 404/40401.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
                    @Content(mediaType = V2MediaTypes.JSON, schema = @Schema(implementation = V2ProduceRequest.class)),
                    @Content(mediaType = V2MediaTypes.BINARY, schema = @Schema(implementation = V2ProduceRequest.class)),
                    @Content(mediaType = V2MediaTypes.TEXT, schema = @Schema(implementation = V2ProduceRequest.class)),
                    @Content(mediaType = V2MediaTypes.GENERIC, schema = @Schema(implementation = V2ProduceRequest.class))}))
    @ApiResponse(responseCode = "404", description = "Topic not found (error_code 40401)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "413", description = "Body over strata.http.max-request-size",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "415", description = "Unsupported content type",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "422", description = "Invalid records: empty batch, bad base64, wrong value type "
            + "(error_code 422 or 42206)", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ResponseEntity<V2ProduceResponse> produceToTopic(
            @Parameter(description = "The topic's name.") @PathVariable("topic") String topic,
            @Parameter(hidden = true) @RequestHeader(name = "Content-Type", required = false) String contentType,
            @Parameter(hidden = true) HttpServletRequest body) throws IOException {
        return produce(topic, null, contentType, body);
    }

    @PostMapping(path = "/{topic}/partitions/{partition}", consumes = {V2MediaTypes.JSON, V2MediaTypes.BINARY,
            V2MediaTypes.TEXT, V2MediaTypes.GENERIC})
    @Operation(operationId = "produceToPartitionV2", summary = "Produce records to a partition (v2)",
            description = "Produces every record to the given partition; otherwise as producing to the topic "
                    + "(records' own partition fields are ignored). Strata's extensions: headers and timestamp.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
                    @Content(mediaType = V2MediaTypes.JSON, schema = @Schema(implementation = V2ProduceRequest.class)),
                    @Content(mediaType = V2MediaTypes.BINARY, schema = @Schema(implementation = V2ProduceRequest.class)),
                    @Content(mediaType = V2MediaTypes.TEXT, schema = @Schema(implementation = V2ProduceRequest.class)),
                    @Content(mediaType = V2MediaTypes.GENERIC, schema = @Schema(implementation = V2ProduceRequest.class))}))
    @ApiResponse(responseCode = "404", description = "Topic (40401) or partition (40402) not found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "413", description = "Body over strata.http.max-request-size",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "415", description = "Unsupported content type",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "422", description = "Invalid records: empty batch, bad base64, wrong value type "
            + "(error_code 422 or 42206)", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ResponseEntity<V2ProduceResponse> produceToPartition(
            @Parameter(description = "The topic's name.") @PathVariable("topic") String topic,
            @Parameter(description = "The partition's id.") @PathVariable("partition") int partition,
            @Parameter(hidden = true) @RequestHeader(name = "Content-Type", required = false) String contentType,
            @Parameter(hidden = true) HttpServletRequest body) throws IOException {
        return produce(topic, partition, contentType, body);
    }

    private ResponseEntity<V2ProduceResponse> produce(String topic, Integer partition, String contentType,
                                                      HttpServletRequest body) throws IOException {
        List<OutgoingRecord> records = bodies.read(body.getInputStream(), body.getContentLengthLong(),
                EmbeddedFormat.ofContentType(contentType));
        List<ProduceOutcome> outcomes = producer.produce(topic, partition, records, API);
        List<V2PartitionOffset> offsets = outcomes.stream()
                .map(o -> new V2PartitionOffset(o.partition(), o.offset(), o.errorCode(), o.error())).toList();
        // As kafka-rest's ProduceResponse.getRequestStatus: an authentication or authorization failure of any
        // record is the request's status.
        HttpStatus status = outcomes.stream().anyMatch(o -> Integer.valueOf(40101).equals(o.errorCode()))
                ? HttpStatus.UNAUTHORIZED
                : outcomes.stream().anyMatch(o -> Integer.valueOf(40301).equals(o.errorCode()))
                ? HttpStatus.FORBIDDEN : HttpStatus.OK;
        return ResponseEntity.status(status).body(new V2ProduceResponse(offsets, null, null));
    }

    static V2Partition toPartition(TopicPartitionInfo info) {
        Node leader = info.leader();
        int leaderId = leader == null || leader.isEmpty() ? -1 : leader.id();
        List<V2Replica> replicas = info.replicas().stream()
                .map(r -> new V2Replica(r.id(), r.id() == leaderId, info.isr().stream().anyMatch(i -> i.id() == r.id())))
                .toList();
        return new V2Partition(info.partition(), leaderId, replicas);
    }
}
