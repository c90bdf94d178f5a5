package io.strata.admin.v3.records;

import io.strata.admin.config.HttpApiProperties;
import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.KafkaErrorMapper;
import io.strata.admin.error.RestException;
import io.strata.admin.http.BodyJson;
import io.strata.admin.http.HttpStreamingExecutor;
import io.strata.admin.service.ClusterService;
import io.strata.admin.service.ProduceService;
import io.strata.admin.service.TopicService;
import io.strata.admin.v3.model.ProduceBatchRequest;
import io.strata.admin.v3.model.ProduceBatchRequestEntry;
import io.strata.admin.v3.model.ProduceBatchResponse;
import io.strata.admin.v3.model.ProduceRequest;
import io.strata.admin.v3.model.ProduceResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * v3 produce: {@code POST .../topics/{t}/records} takes one record or a stream of concatenated JSON records
 * ({@code Transfer-Encoding: chunked}) and answers one delivery report per record, in order, as they complete;
 * {@code records:batch} takes a batch with ids and answers 207 with successes and failures.
 */
@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}/topics/{topic_name}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Records (v3)")
public class ProduceRecordsController {
    /** Reports a stream may have outstanding before it stops reading records (see DeliveryReportStream). */
    private static final int STREAM_WINDOW = 1024;

    private final ClusterService clusters;
    private final TopicService topics;
    private final ProduceService produce;
    private final HttpStreamingExecutor executor;
    private final JsonMapper json;
    private final RecordEncoder encoder;
    private final long maxRecordBytes;
    private final int maxBatchEntries;

    public ProduceRecordsController(ClusterService clusters, TopicService topics, ProduceService produce,
                                    HttpStreamingExecutor executor, HttpApiProperties properties) {
        this.clusters = clusters;
        this.topics = topics;
        this.produce = produce;
        this.executor = executor;
        this.maxRecordBytes = properties.maxRequestSize().toBytes();
        this.maxBatchEntries = properties.produceBatchMaxEntries();
        this.json = BodyJson.mapper(maxRecordBytes); // a stream is many root values, each record read on its own
        this.encoder = new RecordEncoder(json);
    }

    @PostMapping(path = "/records", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "produceRecord", summary = "Produce Records",
            description = "Produces records to the topic and answers a delivery report for each, in order, each "
                    + "with its own error_code (200: stored). Streaming: send concatenated JSON records with "
                    + "Transfer-Encoding: chunked; reports come back as records complete, one JSON object per line, "
                    + "for as long as the connection is open. Key and value types: BINARY (base64, the default), "
                    + "JSON, STRING; schema types need a Schema Registry and are refused per record. Each record "
                    + "is bounded by strata.http.max-request-size; the stream is not.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    schema = @Schema(implementation = ProduceRequest.class))),
            responses = {
                    @ApiResponse(responseCode = "200", description = "The delivery reports, one per record",
                            content = @Content(schema = @Schema(implementation = ProduceResponse.class))),
                    @ApiResponse(responseCode = "404", description = "The topic does not exist (error_code 40403)",
                            content = @Content(schema = @Schema(implementation = ErrorBody.class))),
                    @ApiResponse(responseCode = "413", description = "A record is larger than the limit",
                            content = @Content(schema = @Schema(implementation = ErrorBody.class))),
                    @ApiResponse(responseCode = "415", description = "The body is not application/json",
                            content = @Content(schema = @Schema(implementation = ErrorBody.class))),
                    @ApiResponse(responseCode = "422", description = "The body is empty (error_code 42206)",
                            content = @Content(schema = @Schema(implementation = ErrorBody.class)))})
    public void produceRecords(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topic,
            HttpServletRequest request, HttpServletResponse response) throws IOException, InterruptedException {
        clusters.requireCluster(clusterId);
        int partitions = topics.describe(topic).partitions().size();
        RetainedInput body = new RetainedInput(request.getInputStream(),
                (int) Math.min(Integer.MAX_VALUE - 1024 * 1024, maxRecordBytes) + 1024 * 1024);
        ObjectReader records = json.readerFor(ProduceRequest.class).withAttribute(RetainedInput.class, body);
        try (JsonParser parser = json.createParser(body)) {
            JsonToken first = nextToken(parser);
            if (first == null) {
                throw new RestException(HttpStatus.UNPROCESSABLE_CONTENT, 42206,
                        "Payload error. Request body is empty. Data is required.");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new RestException(HttpStatus.BAD_REQUEST, 400,
                        "Error processing JSON: expected a record object, found " + first);
            }
            // The first record is read before answering, so a body that is one bad or oversized record gets an
            // HTTP error status rather than a 200 with an error report.
            ProduceRequest firstRecord = readRecord(records, body, parser);
            response.setStatus(HttpStatus.OK.value());
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            DeliveryReportStream reports = new DeliveryReportStream(response.getOutputStream(), json, executor,
                    STREAM_WINDOW);
            reports.push(produceOne(clusterId, topic, partitions, firstRecord));
            JsonToken token = nextToken(parser, reports);
            while (token != null && token != JsonToken.NOT_AVAILABLE && !reports.broken()) {
                if (token != JsonToken.START_OBJECT) {
                    reports.push(CompletableFuture.completedFuture(ProduceResponse.error(400,
                            "Error processing JSON: expected a record object, found " + token)));
                    break;
                }
                ProduceRequest node;
                try {
                    node = readRecord(records, body, parser);
                } catch (RestException e) {
                    reports.push(CompletableFuture.completedFuture(ProduceResponse.error(e.errorCode(), e.getMessage())));
                    break;
                }
                reports.push(produceOne(clusterId, topic, partitions, node));
                token = nextToken(parser, reports);
            }
            reports.finish();
        }
    }

    @PostMapping(path = "/records:batch", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "produceRecordsBatch", summary = "Produce Records Batch",
            description = "Produces a batch of records (each with an id unique in the batch, at most "
                    + "strata.http.produce-batch-max-entries of them) and answers 207 with one entry per record, "
                    + "in successes or in failures with its error_code.",
            responses = {
                    @ApiResponse(responseCode = "207", description = "The outcome of every entry",
                            content = @Content(schema = @Schema(implementation = ProduceBatchResponse.class))),
                    @ApiResponse(responseCode = "404", description = "The topic does not exist (error_code 40403)",
                            content = @Content(schema = @Schema(implementation = ErrorBody.class))),
                    @ApiResponse(responseCode = "415", description = "The body is not application/json",
                            content = @Content(schema = @Schema(implementation = ErrorBody.class))),
                    @ApiResponse(responseCode = "422", description = "The batch is empty, too large, or its ids are "
                            + "missing or not distinct (error_code 42208)",
                            content = @Content(schema = @Schema(implementation = ErrorBody.class)))})
    public ResponseEntity<ProduceBatchResponse> produceBatch(
            @Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId,
            @Parameter(description = "The topic name.") @PathVariable("topic_name") String topic,
            @RequestBody ProduceBatchRequest batch) {
        clusters.requireCluster(clusterId);
        List<ProduceBatchRequestEntry> entries = validBatch(batch);
        int partitions = topics.describe(topic).partitions().size();
        List<CompletableFuture<ProduceResponse>> reports = new ArrayList<>(entries.size());
        for (ProduceBatchRequestEntry entry : entries) {
            reports.add(produceOne(clusterId, topic, partitions, entry.record()));
        }
        List<ProduceBatchResponse.Success> successes = new ArrayList<>();
        List<ProduceBatchResponse.Failure> failures = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String id = entries.get(i).id();
            ProduceResponse report = reports.get(i).join();
            if (report.errorCode() == 200) {
                successes.add(new ProduceBatchResponse.Success(id, report.clusterId(), report.topicName(),
                        report.partitionId(), report.offset(), report.timestamp(), report.key(), report.value()));
            } else {
                failures.add(new ProduceBatchResponse.Failure(id, report.errorCode(), report.message()));
            }
        }
        return ResponseEntity.status(HttpStatus.MULTI_STATUS).body(new ProduceBatchResponse(successes, failures));
    }

    /**
     * The record object the parser is at, bound in one pass; 400 when it is malformed or a field has the wrong
     * type, 413 when larger than the limit (the stream cannot continue after either: the parser is no longer at
     * a record boundary, as with kafka-rest, which also ends the stream on such input). The body's bytes before
     * the record are released; its data strings may be taken from the bytes retained since (see
     * {@link ProduceDataDeserializer}).
     */
    private ProduceRequest readRecord(ObjectReader records, RetainedInput body, JsonParser parser) {
        long start = parser.currentLocation().getByteOffset();
        body.release(parser.currentTokenLocation().getByteOffset());
        ProduceRequest node;
        try {
            node = records.readValue(parser);
        } catch (StreamConstraintsException e) {
            throw tooLarge();
        } catch (JacksonException e) {
            throw new RestException(HttpStatus.BAD_REQUEST, 400,
                    "Error processing JSON: " + firstLine(e.getOriginalMessage()));
        }
        if (parser.currentLocation().getByteOffset() - start > maxRecordBytes) {
            throw tooLarge();
        }
        return node;
    }

    private RestException tooLarge() {
        return new RestException(HttpStatus.CONTENT_TOO_LARGE, 413, "A record is larger than the limit of "
                + maxRecordBytes + " bytes (strata.http.max-request-size)");
    }

    private CompletableFuture<ProduceResponse> produceOne(String clusterId, String topic, int partitions,
                                                          ProduceRequest request) {
        RecordEncoder.Encoded encoded;
        try {
            encoded = encoder.encode(topic, partitions, request);
        } catch (RestException e) {
            return CompletableFuture.completedFuture(ProduceResponse.error(e.errorCode(), e.getMessage()));
        }
        return produce.send(encoded.record(), "v3").handle((metadata, error) -> {
            if (error != null) {
                RestException mapped = KafkaErrorMapper.map(error, KafkaErrorMapper.Api.V3);
                return ProduceResponse.error(mapped.errorCode(), mapped.getMessage());
            }
            return DeliveryReports.success(clusterId, encoded, metadata);
        });
    }

    private List<ProduceBatchRequestEntry> validBatch(ProduceBatchRequest batch) {
        List<ProduceBatchRequestEntry> entries = batch == null ? null : batch.entries();
        if (entries == null || entries.isEmpty()) {
            throw batchError("Empty batch.");
        }
        if (entries.size() > maxBatchEntries) {
            throw batchError("Too many entries in batch: " + entries.size() + " > " + maxBatchEntries
                    + " (strata.http.produce-batch-max-entries).");
        }
        Set<String> ids = new HashSet<>();
        for (ProduceBatchRequestEntry entry : entries) {
            if (entry == null || entry.id() == null || entry.id().isEmpty() || entry.id().length() > 80) {
                throw batchError("Batch entry identifier is not a valid string (1 to 80 characters).");
            }
            if (!ids.add(entry.id())) {
                throw batchError("Batch entry IDs are not distinct.");
            }
        }
        return entries;
    }

    private static RestException batchError(String message) {
        return new RestException(HttpStatus.UNPROCESSABLE_CONTENT, 42208, message);
    }

    private static JsonToken nextToken(JsonParser parser) {
        try {
            return parser.nextToken();
        } catch (JacksonException e) {
            throw new RestException(HttpStatus.BAD_REQUEST, 400, "Error processing JSON: " + firstLine(e.getOriginalMessage()));
        }
    }

    /** The next record's first token; a malformed stream gets an error report and ends the stream. */
    private static JsonToken nextToken(JsonParser parser, DeliveryReportStream reports) throws InterruptedException {
        try {
            return parser.nextToken();
        } catch (JacksonException e) {
            reports.push(CompletableFuture.completedFuture(ProduceResponse.error(400,
                    "Error processing JSON: " + firstLine(e.getOriginalMessage()))));
            return JsonToken.NOT_AVAILABLE;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
