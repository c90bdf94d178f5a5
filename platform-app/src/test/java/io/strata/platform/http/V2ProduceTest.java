package io.strata.platform.http;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.strata.platform.http.HttpTestClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class V2ProduceTest extends HttpPlatformTestBase {
    static final String BINARY = "application/vnd.kafka.binary.v2+json";
    static final String JSON_FORMAT = "application/vnd.kafka.json.v2+json";
    static final String TEXT = "application/vnd.kafka.text.v2+json";
    static final String V2 = "application/vnd.kafka.v2+json";

    @Test
    void aThousandRecordsProducedInOneRequestAreReadBackByteForByteWithTheirHeaders() {
        String topic = unique("v2-thousand");
        createTopic(topic, 3);
        Random random = new Random(42);
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        ArrayNode records = JSON.createArrayNode();
        long timestamp = System.currentTimeMillis() - 60_000;
        for (int i = 0; i < 1000; i++) {
            byte[] key = new byte[8 + random.nextInt(16)];
            byte[] value = new byte[random.nextInt(512)];
            random.nextBytes(key);
            random.nextBytes(value);
            keys.add(key);
            values.add(value);
            ObjectNode record = records.addObject();
            record.put("key", b64(key)).put("value", b64(value)).put("partition", i % 3).put("timestamp", timestamp + i);
            record.putArray("headers").addObject().put("name", "seq").put("value", b64(bytes("n" + i)));
        }
        var response = http().post("/topics/" + topic, "{\"records\":" + records + "}", "Content-Type", BINARY);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith(V2);
        JsonNode offsets = response.json().get("offsets");
        assertThat(offsets.size()).isEqualTo(1000);
        assertThat(response.json().get("key_schema_id").isNull()).isTrue();
        assertThat(response.json().get("value_schema_id").isNull()).isTrue();
        Map<String, Integer> indexByPosition = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            JsonNode offset = offsets.get(i);
            assertThat(offset.get("error_code").isNull()).isTrue();
            assertThat(offset.get("error").isNull()).isTrue();
            assertThat(offset.get("partition").asInt()).isEqualTo(i % 3);
            indexByPosition.put(offset.get("partition").asInt() + "@" + offset.get("offset").asLong(), i);
        }
        assertThat(indexByPosition).hasSize(1000);

        List<ConsumerRecord<byte[], byte[]>> read = readAll(topic, 3, 1000);
        for (ConsumerRecord<byte[], byte[]> record : read) {
            Integer index = indexByPosition.get(record.partition() + "@" + record.offset());
            assertThat(index).as("record at %s@%s", record.partition(), record.offset()).isNotNull();
            assertThat(record.key()).isEqualTo(keys.get(index));
            assertThat(record.value()).isEqualTo(values.get(index));
            assertThat(record.timestamp()).isEqualTo(timestamp + index);
            Header[] headers = record.headers().toArray();
            assertThat(headers).hasSize(1);
            assertThat(headers[0].key()).isEqualTo("seq");
            assertThat(headers[0].value()).isEqualTo(bytes("n" + index));
        }
    }

    @Test
    void jsonKeysAndValuesAreStoredAsUtf8JsonBytes() {
        String topic = unique("v2-json");
        createTopic(topic, 1);
        String body = "{\"records\":[{\"key\":\"k-\u00e9\",\"value\":{\"name\":\"caf\u00e9\",\"n\":[1,2.5,true,null]}},"
                + "{\"value\":42},{\"key\":{\"id\":7},\"value\":null}]}";
        var response = http().post("/topics/" + topic, body, "Content-Type", JSON_FORMAT);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<ConsumerRecord<byte[], byte[]>> read = readAll(topic, 1, 3);
        JsonNode sent = JSON.readTree(body).get("records");
        for (int i = 0; i < 3; i++) {
            ConsumerRecord<byte[], byte[]> record = read.get(i);
            JsonNode key = sent.get(i).get("key");
            JsonNode value = sent.get(i).get("value");
            if (key == null) {
                assertThat(record.key()).isNull();
            } else {
                assertThat(record.key()).isEqualTo(JSON.writeValueAsBytes(key));
            }
            if (value.isNull()) {
                assertThat(record.value()).isNull();
            } else {
                assertThat(JSON.readTree(new String(record.value(), StandardCharsets.UTF_8))).isEqualTo(value);
                assertThat(record.value()).isEqualTo(JSON.writeValueAsBytes(value));
            }
        }
    }

    @Test
    void textKeysAndValuesAreStoredAsUtf8Strings() {
        String topic = unique("v2-text");
        createTopic(topic, 2);
        String value = "h\u00e9llo \u2713 \ud83d\ude00";
        var response = http().post("/topics/" + topic + "/partitions/1",
                "{\"records\":[{\"key\":\"k\",\"value\":\"" + value + "\"}]}", "Content-Type", TEXT);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().at("/offsets/0/partition").asInt()).isEqualTo(1);
        ConsumerRecord<byte[], byte[]> record = readAll(topic, 2, 1).get(0);
        assertThat(record.partition()).isEqualTo(1);
        assertThat(record.key()).isEqualTo(bytes("k"));
        assertThat(record.value()).isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void garbageBase64IsRefusedWith42206AndNothingIsWritten() {
        String topic = unique("v2-bad-base64");
        createTopic(topic, 1);
        var response = http().post("/topics/" + topic,
                "{\"records\":[{\"value\":\"" + b64(bytes("fine")) + "\"},{\"value\":\"***not base64***\"}]}",
                "Content-Type", BINARY);

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(42206);
        assertThat(response.json().get("message").asString()).contains("records[1].value");
        var offsets = http().get("/topics/" + topic + "/partitions/0/offsets");
        assertThat(offsets.json().get("end_offset").asLong()).isZero();
    }

    @Test
    void aPartitionTheTopicLacksIs40402ForTheRequestOrForTheRecord() {
        String topic = unique("v2-no-partition");
        createTopic(topic, 2);
        var whole = http().post("/topics/" + topic + "/partitions/5",
                "{\"records\":[{\"value\":\"" + b64(bytes("x")) + "\"}]}", "Content-Type", BINARY);
        assertThat(whole.status()).isEqualTo(404);
        assertThat(whole.json().get("error_code").asInt()).isEqualTo(40402);

        var negative = http().post("/topics/" + topic + "/partitions/-1",
                "{\"records\":[{\"value\":\"" + b64(bytes("x")) + "\"}]}", "Content-Type", BINARY);
        assertThat(negative.status()).isEqualTo(404);
        assertThat(negative.json().get("error_code").asInt()).isEqualTo(40402);

        var perRecord = http().post("/topics/" + topic, "{\"records\":[{\"value\":\"" + b64(bytes("a"))
                + "\",\"partition\":1},{\"value\":\"" + b64(bytes("b")) + "\",\"partition\":7}]}", "Content-Type", BINARY);
        assertThat(perRecord.status()).isEqualTo(200);
        JsonNode offsets = perRecord.json().get("offsets");
        assertThat(offsets.get(0).get("partition").asInt()).isEqualTo(1);
        assertThat(offsets.get(0).get("error_code").isNull()).isTrue();
        assertThat(offsets.get(1).get("partition").isNull()).isTrue();
        assertThat(offsets.get(1).get("offset").isNull()).isTrue();
        assertThat(offsets.get(1).get("error_code").asInt()).isEqualTo(40402);
        assertThat(offsets.get(1).get("error").asString()).contains("7");
    }

    @Test
    void producingToAMissingTopicCreatesItWhenTheClusterCreatesTopicsOnUse() throws Exception {
        String topic = unique("v2-auto-created");
        var response = http().post("/topics/" + topic, "{\"records\":[{\"value\":{\"a\":1}}]}",
                "Content-Type", JSON_FORMAT);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().at("/offsets/0/offset").asLong()).isZero();
        assertThat(kafkaAdmin().listTopics().names().get()).contains(topic);
    }

    @Test
    void badProduceBodiesAreRefusedWithJsonErrors() {
        String topic = unique("v2-bad-bodies");
        createTopic(topic, 1);
        var empty = http().post("/topics/" + topic, "{\"records\":[]}", "Content-Type", BINARY);
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.json().get("error_code").asInt()).isEqualTo(422);

        var malformed = http().post("/topics/" + topic, "{\"records\":[{\"value\":", "Content-Type", JSON_FORMAT);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("error_code").asInt()).isEqualTo(400);

        var wrongType = http().post("/topics/" + topic, "{\"records\":[{\"value\":\"x\"}]}", "Content-Type", "text/plain");
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.json().get("error_code").asInt()).isEqualTo(415);

        var notBinary = http().post("/topics/" + topic, "{\"records\":[{\"value\":17}]}", "Content-Type", BINARY);
        assertThat(notBinary.status()).isEqualTo(422);
        assertThat(notBinary.json().get("error_code").asInt()).isEqualTo(42206);

        var badHeader = http().post("/topics/" + topic, "{\"records\":[{\"value\":\"eA==\",\"headers\":[{\"name\":\"h\","
                + "\"value\":\"%%%\"}]}]}", "Content-Type", BINARY);
        assertThat(badHeader.status()).isEqualTo(422);
        assertThat(badHeader.json().get("error_code").asInt()).isEqualTo(42206);

        assertThat(http().get("/topics/" + topic).status()).isEqualTo(200);
    }

    @Test
    void recordsProducedOverHttpAreCounted() {
        String topic = unique("v2-counted");
        createTopic(topic, 1);
        double before = producedCount();
        var response = http().post("/topics/" + topic, "{\"records\":[{\"value\":\"YQ==\"},{\"value\":\"Yg==\"}]}",
                "Content-Type", BINARY);
        assertThat(response.status()).isEqualTo(200);
        assertThat(producedCount()).isGreaterThanOrEqualTo(before + 2);
    }

    private double producedCount() {
        var metric = http().get("/actuator/metrics/strata.http.records.produced?tag=api:v2");
        return metric.status() == 404 ? 0 : metric.json().at("/measurements/0/value").asDouble();
    }

    /** Every record of the topic's partitions, in partition then offset order, once {@code count} are there. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions, int count) {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = kafkaConsumer()) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() >= count;
            });
        }
        assertThat(read).hasSize(count);
        read.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return read;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
