package io.strata.platform.http;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.strata.platform.http.HttpTestClient.JSON;
import static io.strata.platform.http.V2ProduceTest.BINARY;
import static io.strata.platform.http.V2ProduceTest.JSON_FORMAT;
import static io.strata.platform.http.V2ProduceTest.TEXT;
import static io.strata.platform.http.V2ProduceTest.V2;
import static io.strata.platform.http.V2ProduceTest.bytes;
import static io.strata.platform.http.V2ProduceTest.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Confluent v2 consumer flow in its wire format (kafka-rest's AbstractConsumerTest), and its errors. */
class V2ConsumerTest extends HttpPlatformTestBase {

    @Test
    void theConfluentJsonConsumerFlowReadsCommitsAndDeletes() throws Exception {
        String topic = unique("v2c-json");
        String group = unique("v2c-json-group");
        createTopic(topic, 2);
        List<String> values = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < 10; i++) {
                String value = "{\"n\":" + i + ",\"text\":\"caf\u00e9 " + i + "\"}";
                values.add(value);
                producer.send(new ProducerRecord<>(topic, i % 2, bytes("\"k" + i + "\""), bytes(value))).get();
            }
        }

        var created = http().post("/consumers/" + group, "{\"name\":\"inst-1\",\"format\":\"json\","
                + "\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}", "Content-Type", V2);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.header("Content-Type")).startsWith(V2);
        assertThat(created.json().get("instance_id").asString()).isEqualTo("inst-1");
        String instance = "/consumers/" + group + "/instances/inst-1";
        assertThat(created.json().get("base_uri").asString()).isEqualTo(http().base() + instance);

        var subscribed = http().post(instance + "/subscription", "{\"topics\":[\"" + topic + "\"]}", "Content-Type", V2);
        assertThat(subscribed.status()).isEqualTo(204);
        assertThat(subscribed.body()).isEmpty();
        assertThat(http().get(instance + "/subscription", "Accept", V2).json().at("/topics/0").asString()).isEqualTo(topic);

        List<JsonNode> read = readUntil(instance, JSON_FORMAT, 10);
        Map<Integer, Long> lastOffsets = new HashMap<>();
        for (JsonNode record : read) {
            int n = record.at("/value/n").asInt();
            assertThat(record.get("topic").asString()).isEqualTo(topic);
            assertThat(record.get("value")).isEqualTo(JSON.readTree(values.get(n)));
            assertThat(record.get("key").asString()).isEqualTo("k" + n);
            assertThat(record.get("partition").asInt()).isEqualTo(n % 2);
            lastOffsets.merge(record.get("partition").asInt(), record.get("offset").asLong(), Math::max);
        }
        assertThat(read.stream().map(r -> r.at("/value/n").asInt()).sorted().toList())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);

        StringBuilder commit = new StringBuilder("{\"offsets\":[");
        lastOffsets.forEach((partition, offset) -> commit.append(commit.length() > 12 ? "," : "")
                .append("{\"topic\":\"").append(topic).append("\",\"partition\":").append(partition)
                .append(",\"offset\":").append(offset).append("}"));
        commit.append("]}");
        var committed = http().post(instance + "/offsets", commit.toString(), "Content-Type", V2);
        assertThat(committed.status()).as(committed.body()).isEqualTo(200);
        assertThat(committed.json().isArray()).isTrue();
        assertThat(committed.json().size()).isZero();

        var offsets = http().send("GET", instance + "/offsets", "{\"partitions\":[{\"topic\":\"" + topic
                + "\",\"partition\":0},{\"topic\":\"" + topic + "\",\"partition\":1}]}", "Content-Type", V2, "Accept", V2);
        assertThat(offsets.status()).as(offsets.body()).isEqualTo(200);
        for (JsonNode offset : offsets.json().get("offsets")) {
            assertThat(offset.get("offset").asLong()).isEqualTo(lastOffsets.get(offset.get("partition").asInt()) + 1);
        }
        assertThat(offsets.json().get("offsets").size()).isEqualTo(2);

        Map<TopicPartition, OffsetAndMetadata> groupOffsets = kafkaAdmin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        lastOffsets.forEach((partition, offset) ->
                assertThat(groupOffsets.get(new TopicPartition(topic, partition)).offset()).isEqualTo(offset + 1));

        var deleted = http().delete(instance, "Accept", V2);
        assertThat(deleted.status()).isEqualTo(204);
        var afterDelete = http().get(instance + "/records", "Accept", JSON_FORMAT);
        assertThat(afterDelete.status()).isEqualTo(404);
        assertThat(afterDelete.json().get("error_code").asInt()).isEqualTo(40403);
    }

    @Test
    void theBinaryFormatReadsBytesHeadersAndTimestampsAndCommitsEverythingReturned() throws Exception {
        String topic = unique("v2c-binary");
        String group = unique("v2c-binary-group");
        createTopic(topic, 1);
        long timestamp = System.currentTimeMillis() - 5_000;
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < 5; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, timestamp + i,
                        i == 0 ? null : new byte[] {(byte) i, (byte) 0xff}, new byte[] {(byte) 0x80, (byte) i, 0});
                record.headers().add(new RecordHeader("trace", new byte[] {(byte) i, 1, 2}));
                producer.send(record).get();
            }
        }
        String instance = createInstance(group, "{\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
        assertThat(http().post(instance + "/subscription", "{\"topic_pattern\":\"" + topic.replace("-", "\\\\-") + "\"}",
                "Content-Type", V2).status()).isEqualTo(204);

        List<JsonNode> read = readUntil(instance, BINARY, 5);
        for (int i = 0; i < 5; i++) {
            JsonNode record = read.get(i);
            assertThat(record.get("offset").asLong()).isEqualTo(i);
            if (i == 0) {
                assertThat(record.get("key").isNull()).isTrue();
            } else {
                assertThat(Base64.getDecoder().decode(record.get("key").asString())).isEqualTo(new byte[] {(byte) i, (byte) 0xff});
            }
            assertThat(Base64.getDecoder().decode(record.get("value").asString())).isEqualTo(new byte[] {(byte) 0x80, (byte) i, 0});
            assertThat(record.get("timestamp").asLong()).isEqualTo(timestamp + i);
            assertThat(record.at("/headers/0/name").asString()).isEqualTo("trace");
            assertThat(Base64.getDecoder().decode(record.at("/headers/0/value").asString())).isEqualTo(new byte[] {(byte) i, 1, 2});
        }

        var committed = http().post(instance + "/offsets", null, "Content-Type", V2);
        assertThat(committed.status()).as(committed.body()).isEqualTo(200);
        assertThat(committed.json().size()).isZero();
        Map<TopicPartition, OffsetAndMetadata> groupOffsets = kafkaAdmin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        assertThat(groupOffsets.get(new TopicPartition(topic, 0)).offset()).isEqualTo(read.get(4).get("offset").asLong() + 1);
        assertThat(http().delete(instance).status()).isEqualTo(204);
    }

    @Test
    void theTextFormatAndManualAssignmentsWithSeeksReadWhereTheyAreSent() throws Exception {
        String topic = unique("v2c-text");
        String group = unique("v2c-text-group");
        createTopic(topic, 1);
        long base = System.currentTimeMillis() - 60_000;
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>(topic, 0, base + i * 1000L, null, bytes("t\u00e9xt " + i))).get();
            }
        }
        String instance = createInstance(group, "{\"format\":\"text\"}");
        String partition = "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}";
        assertThat(http().post(instance + "/assignments", partition, "Content-Type", V2).status()).isEqualTo(204);
        assertThat(http().get(instance + "/assignments").json().at("/partitions/0/topic").asString()).isEqualTo(topic);

        assertThat(http().post(instance + "/positions", "{\"offsets\":[{\"topic\":\"" + topic
                + "\",\"partition\":0,\"offset\":2}]}", "Content-Type", V2).status()).isEqualTo(204);
        List<JsonNode> fromTwo = readUntil(instance, TEXT, 2);
        assertThat(fromTwo.get(0).get("offset").asLong()).isEqualTo(2);
        assertThat(fromTwo.get(0).get("value").asString()).isEqualTo("t\u00e9xt 2");

        assertThat(http().post(instance + "/positions/beginning", partition, "Content-Type", V2).status()).isEqualTo(204);
        List<JsonNode> fromStart = readUntil(instance, TEXT, 4);
        assertThat(fromStart.get(0).get("offset").asLong()).isZero();

        assertThat(http().post(instance + "/positions", "{\"timestamps\":[{\"topic\":\"" + topic
                + "\",\"partition\":0,\"timestamp\":" + (base + 1500) + "}]}", "Content-Type", V2).status()).isEqualTo(204);
        List<JsonNode> fromTime = readUntil(instance, TEXT, 2);
        assertThat(fromTime.get(0).get("offset").asLong()).isEqualTo(2);
        assertThat(fromTime.get(0).get("timestamp").asLong()).isEqualTo(base + 2000);

        assertThat(http().post(instance + "/positions/end", partition, "Content-Type", V2).status()).isEqualTo(204);
        var atEnd = http().get(instance + "/records?timeout=200", "Accept", TEXT);
        assertThat(atEnd.status()).isEqualTo(200);
        assertThat(atEnd.json().size()).isZero();

        var subscribeWhileAssigned = http().post(instance + "/subscription", "{\"topics\":[\"" + topic + "\"]}",
                "Content-Type", V2);
        assertThat(subscribeWhileAssigned.status()).isEqualTo(409);
        assertThat(subscribeWhileAssigned.json().get("error_code").asInt()).isEqualTo(40903);
        assertThat(http().delete(instance).status()).isEqualTo(204);
    }

    @Test
    void maxBytesLimitsARecordsResponseWithoutLosingTheRest() throws Exception {
        String topic = unique("v2c-max-bytes");
        String group = unique("v2c-max-bytes-group");
        createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[100])).get();
            }
        }
        String instance = createInstance(group, "{\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
        http().post(instance + "/subscription", "{\"topics\":[\"" + topic + "\"]}", "Content-Type", V2);
        List<Long> offsets = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var response = http().get(instance + "/records?timeout=500&max_bytes=250", "Accept", BINARY);
            assertThat(response.json().size()).isLessThanOrEqualTo(2);
            response.json().forEach(r -> offsets.add(r.get("offset").asLong()));
            return offsets.size() >= 6;
        });
        assertThat(offsets).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        http().delete(instance);
    }

    @Test
    void aWrongAcceptTypeIs406With40601() {
        String instance = createInstance(unique("v2c-accept"), "{\"format\":\"binary\"}");
        var response = http().get(instance + "/records", "Accept", JSON_FORMAT);
        assertThat(response.status()).isEqualTo(406);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(40601);
        http().delete(instance);
    }

    @Test
    void anUnknownInstanceIs40403() {
        String group = unique("v2c-unknown");
        for (var response : List.of(http().get("/consumers/" + group + "/instances/nobody/records", "Accept", BINARY),
                http().get("/consumers/" + group + "/instances/nobody/subscription"),
                http().post("/consumers/" + group + "/instances/nobody/offsets", null, "Content-Type", V2),
                http().delete("/consumers/" + group + "/instances/nobody"))) {
            assertThat(response.status()).as(response.body()).isEqualTo(404);
            assertThat(response.json().get("error_code").asInt()).isEqualTo(40403);
        }
    }

    @Test
    void aSecondInstanceOfTheSameNameIs40902() {
        String group = unique("v2c-duplicate");
        String instance = createInstance(group, "{\"name\":\"twin\"}");
        var again = http().post("/consumers/" + group, "{\"name\":\"twin\"}", "Content-Type", V2);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error_code").asInt()).isEqualTo(40902);
        http().delete(instance);
    }

    @Test
    void anInvalidConsumerConfigIs42204() {
        String group = unique("v2c-invalid");
        for (String body : List.of("{\"format\":\"avro\"}", "{\"auto.offset.reset\":\"sometimes\"}",
                "{\"auto.commit.enable\":\"maybe\"}", "{\"consumer.request.timeout.ms\":\"soon\"}",
                "{\"isolation.level\":\"serializable\"}")) {
            var response = http().post("/consumers/" + group, body, "Content-Type", V2);
            assertThat(response.status()).as(body).isEqualTo(422);
            assertThat(response.json().get("error_code").asInt()).as(body).isEqualTo(42204);
        }
    }

    @Test
    void aSubscriptionNamesTopicsOrAPatternNotBothNorNeither() {
        String instance = createInstance(unique("v2c-subscription"), "{}");
        var neither = http().post(instance + "/subscription", "{}", "Content-Type", V2);
        assertThat(neither.status()).isEqualTo(422);
        var both = http().post(instance + "/subscription", "{\"topics\":[\"a\"],\"topic_pattern\":\"a.*\"}",
                "Content-Type", V2);
        assertThat(both.status()).isEqualTo(422);
        var badPattern = http().post(instance + "/subscription", "{\"topic_pattern\":\"(\"}", "Content-Type", V2);
        assertThat(badPattern.status()).isEqualTo(422);
        http().delete(instance);
    }

    @Test
    void liveInstancesAreGaugedAndConsumedRecordsCounted() throws Exception {
        String topic = unique("v2c-metrics");
        createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            producer.send(new ProducerRecord<>(topic, 0, null, bytes("one"))).get();
        }
        double consumedBefore = metric("strata.http.records.consumed?tag=api:v2");
        String instance = createInstance(unique("v2c-metrics-group"), "{\"auto.offset.reset\":\"earliest\"}");
        assertThat(metric("strata.http.consumer.instances")).isGreaterThanOrEqualTo(1);
        http().post(instance + "/subscription", "{\"topics\":[\"" + topic + "\"]}", "Content-Type", V2);
        readUntil(instance, BINARY, 1);
        assertThat(metric("strata.http.records.consumed?tag=api:v2")).isGreaterThanOrEqualTo(consumedBefore + 1);
        String prometheus = http().get("/actuator/prometheus").body();
        assertThat(prometheus).contains("strata_http_consumer_instances").contains("strata_http_records_consumed_total{api=\"v2\"");
        http().delete(instance);
    }

    private double metric(String nameAndTags) {
        var response = http().get("/actuator/metrics/" + nameAndTags);
        return response.status() == 404 ? 0 : response.json().at("/measurements/0/value").asDouble();
    }

    private String createInstance(String group, String body) {
        var created = http().post("/consumers/" + group, body, "Content-Type", V2);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return "/consumers/" + group + "/instances/" + created.json().get("instance_id").asString();
    }

    /** Polls records until {@code count} arrived (the first polls may be empty while the instance joins). */
    private List<JsonNode> readUntil(String instance, String accept, int count) {
        List<JsonNode> read = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var response = http().get(instance + "/records?timeout=1000", "Accept", accept);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith(accept);
            response.json().forEach(read::add);
            return read.size() >= count;
        });
        return read;
    }
}
