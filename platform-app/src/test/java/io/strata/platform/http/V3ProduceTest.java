package io.strata.platform.http;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class V3ProduceTest extends HttpPlatformTestBase {

    @Test
    void aProducedRecordIsStoredByteForByteWithItsHeadersAndTimestamp() {
        createTopic("v3-produce-one", 1);
        String value = Base64.getEncoder().encodeToString(new byte[]{0, 1, (byte) 0xff});
        var response = http().post(v3("/topics/v3-produce-one/records"), """
                {"partition_id": 0,
                 "headers": [{"name": "trace", "value": "%s"}, {"name": "empty", "value": null}],
                 "key": {"type": "JSON", "data": {"id": 7}},
                 "value": {"data": "%s"},
                 "timestamp": "2026-01-31T12:00:00Z"}""".formatted(
                Base64.getEncoder().encodeToString("t-1".getBytes(StandardCharsets.UTF_8)), value));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("error_code").asInt()).isEqualTo(200);
        assertThat(report.get("cluster_id").asString()).isEqualTo(clusterId());
        assertThat(report.get("topic_name").asString()).isEqualTo("v3-produce-one");
        assertThat(report.get("partition_id").asInt()).isZero();
        assertThat(report.get("offset").asLong()).isZero();
        assertThat(report.get("timestamp").asString()).isEqualTo("2026-01-31T12:00:00Z");
        assertThat(report.at("/key/type").asString()).isEqualTo("JSON");
        assertThat(report.at("/key/size").asInt()).isEqualTo("{\"id\":7}".length());
        assertThat(report.at("/value/type").asString()).isEqualTo("BINARY");
        assertThat(report.at("/value/size").asInt()).isEqualTo(3);

        ConsumerRecord<byte[], byte[]> stored = readAll("v3-produce-one", 1, 1).get(0);
        assertThat(new String(stored.key(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":7}");
        assertThat(stored.value()).containsExactly(0, 1, 0xff);
        assertThat(stored.timestamp()).isEqualTo(Instant.parse("2026-01-31T12:00:00Z").toEpochMilli());
        Header[] headers = stored.headers().toArray();
        assertThat(headers).hasSize(2);
        assertThat(headers[0].key()).isEqualTo("trace");
        assertThat(new String(headers[0].value(), StandardCharsets.UTF_8)).isEqualTo("t-1");
        assertThat(headers[1].key()).isEqualTo("empty");
        assertThat(headers[1].value()).isNull();
    }

    @Test
    void aStreamOfOneHundredThousandRecordsGetsOneReportPerRecordInOrderWithDistinctOffsets() throws Exception {
        createTopic("v3-produce-stream", 3);
        int records = 100_000;
        List<JsonNode> reports = new ArrayList<>(records);
        try (ChunkedHttpStream stream = new ChunkedHttpStream(httpPort, "POST",
                v3("/topics/v3-produce-stream/records"), "application/json")) {
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    StringBuilder chunk = new StringBuilder();
                    for (int i = 0; i < records; i++) {
                        chunk.append("{\"partition_id\":").append(i % 3)
                                .append(",\"value\":{\"type\":\"STRING\",\"data\":\"record-").append(i).append("\"}}");
                        if (i % 500 == 499) {
                            stream.send(chunk.toString().getBytes(StandardCharsets.UTF_8));
                            chunk.setLength(0);
                        }
                    }
                    stream.send(chunk.toString().getBytes(StandardCharsets.UTF_8));
                    stream.endBody();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(stream.readStatus()).isEqualTo(200);
            String line;
            while ((line = stream.readLine()) != null) {
                if (!line.isBlank()) {
                    reports.add(HttpTestClient.JSON.readTree(line));
                }
            }
            sender.join();
        }

        assertThat(reports).hasSize(records);
        Set<String> offsets = new HashSet<>();
        long[] last = {-1, -1, -1};
        for (int i = 0; i < records; i++) {
            JsonNode report = reports.get(i);
            assertThat(report.get("error_code").asInt()).as("report %d: %s", i, report).isEqualTo(200);
            int partition = report.get("partition_id").asInt();
            long offset = report.get("offset").asLong();
            assertThat(partition).as("report %d belongs to record %d", i, i).isEqualTo(i % 3);
            assertThat(offset).as("offsets of partition %d grow in request order", partition).isGreaterThan(last[partition]);
            last[partition] = offset;
            assertThat(offsets.add(partition + ":" + offset)).as("offset %d:%d is distinct", partition, offset).isTrue();
        }
        List<ConsumerRecord<byte[], byte[]>> stored = readAll("v3-produce-stream", 3, records);
        assertThat(stored).hasSize(records);
        ConsumerRecord<byte[], byte[]> first = stored.stream().filter(r -> r.partition() == 1 && r.offset() == 0)
                .findFirst().orElseThrow();
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("record-1");
    }

    @Test
    void aClientThatWaitsForEachReportBeforeItsNextRecordGetsIt() throws Exception {
        createTopic("v3-produce-lockstep", 1);
        try (ChunkedHttpStream stream = new ChunkedHttpStream(httpPort, "POST",
                v3("/topics/v3-produce-lockstep/records"), "application/json")) {
            for (int i = 0; i < 5; i++) {
                String value = java.util.Base64.getEncoder().encodeToString(("lockstep-" + i).getBytes(StandardCharsets.UTF_8));
                stream.send(("{\"value\":{\"data\":\"" + value + "\"}}").getBytes(StandardCharsets.UTF_8));
                stream.flush();
                if (i == 0) {
                    assertThat(stream.readStatus()).isEqualTo(200);
                }
                String line = stream.readLine();
                while (line != null && line.isBlank()) {
                    line = stream.readLine();
                }
                assertThat(line).as("the report of record %d, before the next is sent", i).isNotNull();
                JsonNode report = HttpTestClient.JSON.readTree(line);
                assertThat(report.get("error_code").asInt()).isEqualTo(200);
                assertThat(report.get("offset").asLong()).isEqualTo(i);
            }
            stream.endBody();
        }
        assertThat(readAll("v3-produce-lockstep", 1, 5)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("lockstep-0", "lockstep-1", "lockstep-2", "lockstep-3", "lockstep-4");
    }

    @Test
    void aBadRecordInAStreamFailsAloneAndTheOthersAreStored() {
        createTopic("v3-produce-bad-record", 1);
        var response = http().post(v3("/topics/v3-produce-bad-record/records"),
                "{\"value\":{\"type\":\"STRING\",\"data\":\"a\"}}"
                        + "{\"value\":{\"data\":\"not base64!\"}}"
                        + "{\"partition_id\":5,\"value\":{\"type\":\"STRING\",\"data\":\"b\"}}"
                        + "{\"value\":{\"type\":\"AVRO\",\"data\":\"x\"}}"
                        + "{\"value\":{\"type\":\"STRING\",\"data\":\"c\"}}");
        assertThat(response.status()).isEqualTo(200);
        List<JsonNode> reports = response.body().lines().filter(l -> !l.isBlank())
                .map(HttpTestClient.JSON::readTree).toList();
        assertThat(reports).extracting(r -> r.get("error_code").asInt()).containsExactly(200, 400, 40402, 400, 200);
        assertThat(reports.get(1).get("message").asString()).contains("base64");
        assertThat(reports.get(3).get("message").asString()).contains("Schema Registry");
        assertThat(reports.get(4).get("offset").asLong()).isEqualTo(1);
        assertThat(readAll("v3-produce-bad-record", 1, 2)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("a", "c");
    }

    @Test
    void malformedJsonEndsTheStreamWithAnErrorReport() {
        createTopic("v3-produce-malformed", 1);
        var response = http().post(v3("/topics/v3-produce-malformed/records"),
                "{\"value\":{\"type\":\"STRING\",\"data\":\"a\"}} {\"value\": ");
        assertThat(response.status()).isEqualTo(200);
        List<JsonNode> reports = response.body().lines().filter(l -> !l.isBlank())
                .map(HttpTestClient.JSON::readTree).toList();
        assertThat(reports).extracting(r -> r.get("error_code").asInt()).containsExactly(200, 400);
        assertThat(reports.get(1).get("message").asString()).startsWith("Error processing JSON");
    }

    @Test
    void producingToAnUnknownTopicOrWithoutABodyIsRefused() {
        var unknown = http().post(v3("/topics/v3-no-such-topic/records"), "{\"value\":{\"data\":\"AA==\"}}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error_code").asInt()).isEqualTo(40403);

        createTopic("v3-produce-empty", 1);
        var empty = http().post(v3("/topics/v3-produce-empty/records"), "");
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.json().get("error_code").asInt()).isEqualTo(42206);

        var wrongType = http().post(v3("/topics/v3-produce-empty/records"), "value=1",
                "Content-Type", "text/plain");
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.json().get("error_code").asInt()).isEqualTo(415);
    }

    @Test
    void aBatchAnswersMultiStatusWithEachEntryInSuccessesOrFailures() {
        createTopic("v3-produce-batch", 2);
        var response = http().post(v3("/topics/v3-produce-batch/records:batch"), """
                {"entries": [
                  {"id": "a", "partition_id": 1, "value": {"type": "JSON", "data": [1, 2]}},
                  {"id": "b", "value": {"type": "BINARY", "data": "%%%"}},
                  {"id": "c", "key": {"type": "STRING", "data": "k"}, "value": {"type": "STRING", "data": "v"}}]}""");
        assertThat(response.status()).as(response.body()).isEqualTo(207);
        JsonNode body = response.json();
        assertThat(body.get("successes")).extracting(s -> s.get("id").asString()).containsExactly("a", "c");
        assertThat(body.at("/successes/0/partition_id").asInt()).isEqualTo(1);
        assertThat(body.at("/successes/0/value/type").asString()).isEqualTo("JSON");
        assertThat(body.at("/successes/1/key/size").asInt()).isEqualTo(1);
        assertThat(body.get("failures")).extracting(f -> f.get("id").asString()).containsExactly("b");
        assertThat(body.at("/failures/0/error_code").asInt()).isEqualTo(400);
        assertThat(readAll("v3-produce-batch", 2, 2)).hasSize(2);
    }

    @Test
    void aBatchWithoutEntriesOrWithRepeatedIdsIsRefused() {
        createTopic("v3-produce-batch-invalid", 1);
        var empty = http().post(v3("/topics/v3-produce-batch-invalid/records:batch"), "{\"entries\": []}");
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.json().get("error_code").asInt()).isEqualTo(42208);
        var repeated = http().post(v3("/topics/v3-produce-batch-invalid/records:batch"),
                "{\"entries\": [{\"id\": \"x\"}, {\"id\": \"x\"}]}");
        assertThat(repeated.status()).isEqualTo(422);
        assertThat(repeated.json().get("message").asString()).contains("not distinct");
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = kafkaConsumer()) {
            List<TopicPartition> assignment = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assignment.add(new TopicPartition(topic, p));
            }
            consumer.assign(assignment);
            consumer.seekToBeginning(assignment);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
