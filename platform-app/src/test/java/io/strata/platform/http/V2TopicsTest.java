package io.strata.platform.http;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.strata.platform.http.V2ProduceTest.unique;
import static org.assertj.core.api.Assertions.assertThat;

class V2TopicsTest extends HttpPlatformTestBase {

    @Test
    void topicsAreListedByName() {
        String topic = unique("v2-listed");
        createTopic(topic, 1);
        var response = http().get("/topics", "Accept", "application/vnd.kafka.v2+json");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/vnd.kafka.v2+json");
        assertThat(response.json().isArray()).isTrue();
        assertThat(response.json().valueStream().map(JsonNode::asString)).contains(topic);
    }

    @Test
    void aTopicShowsItsConfigsAndPartitionsInV2Shape() throws Exception {
        String topic = unique("v2-described");
        createTopic(topic, 2);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        kafkaAdmin().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);

        JsonNode body = http().get("/topics/" + topic).json();
        assertThat(body.get("name").asString()).isEqualTo(topic);
        assertThat(body.at("/configs/retention.ms").asString()).isEqualTo("3600000");
        assertThat(body.get("partitions").size()).isEqualTo(2);
        JsonNode first = body.get("partitions").get(0);
        int leader = kafkaAdmin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0)
                .leader().id();
        assertThat(first.get("partition").asInt()).isZero();
        assertThat(first.get("leader").asInt()).isEqualTo(leader);
        assertThat(first.at("/replicas/0/broker").asInt()).isEqualTo(leader);
        assertThat(first.at("/replicas/0/leader").asBoolean()).isTrue();
        assertThat(first.at("/replicas/0/in_sync").asBoolean()).isTrue();

        assertThat(http().get("/topics/" + topic + "/partitions").json().size()).isEqualTo(2);
        assertThat(http().get("/topics/" + topic + "/partitions/1").json().get("partition").asInt()).isEqualTo(1);
    }

    @Test
    void aPartitionsOffsetsAreItsBeginningAndEnd() throws Exception {
        String topic = unique("v2-offsets");
        createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {(byte) i})).get();
            }
        }
        JsonNode offsets = http().get("/topics/" + topic + "/partitions/0/offsets").json();
        assertThat(offsets.get("beginning_offset").asLong()).isZero();
        assertThat(offsets.get("end_offset").asLong()).isEqualTo(5);
    }

    @Test
    void unknownTopicsAndPartitionsAreNotFoundWithV2Codes() {
        String topic = unique("v2-known");
        createTopic(topic, 1);
        var missingTopic = http().get("/topics/" + unique("v2-never-created"));
        assertThat(missingTopic.status()).isEqualTo(404);
        assertThat(missingTopic.json().get("error_code").asInt()).isEqualTo(40401);

        var missingPartition = http().get("/topics/" + topic + "/partitions/3");
        assertThat(missingPartition.status()).isEqualTo(404);
        assertThat(missingPartition.json().get("error_code").asInt()).isEqualTo(40402);

        var missingOffsets = http().get("/topics/" + topic + "/partitions/3/offsets");
        assertThat(missingOffsets.status()).isEqualTo(404);
        assertThat(missingOffsets.json().get("error_code").asInt()).isEqualTo(40402);

        var notANumber = http().get("/topics/" + topic + "/partitions/abc");
        assertThat(notANumber.status()).isEqualTo(400);
    }
}
