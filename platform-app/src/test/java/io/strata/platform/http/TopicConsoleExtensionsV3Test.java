package io.strata.platform.http;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The Strata extensions the console's topic views read: offset_span on the topic list, config documentation. */
class TopicConsoleExtensionsV3Test extends HttpPlatformTestBase {

    private static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private JsonNode listed(String query, String topic) {
        for (JsonNode t : http().get(v3("/topics" + query)).json().get("data")) {
            if (t.get("topic_name").asString().equals(topic)) {
                return t;
            }
        }
        throw new AssertionError(topic + " is not listed");
    }

    @Test
    void theTopicListGivesEachTopicsOffsetSpanOnlyWhenAskedFor() throws Exception {
        String topic = uniqueTopic("span");
        createTopic(topic, 2);
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, ("v" + i).getBytes())).get();
            }
        }

        assertThat(listed("?include_offset_span=true", topic).get("offset_span").asLong()).isEqualTo(5);
        assertThat(listed("", topic).has("offset_span")).isFalse();
    }

    @Test
    void aTopicsConfigsCarryTheBrokersDocumentationButTheListingOfEveryTopicDoesNot() {
        String topic = uniqueTopic("documented");
        createTopic(topic, 1);

        JsonNode retention = http().get(v3("/topics/" + topic + "/configs/retention.ms")).json();
        assertThat(retention.get("documentation").asString()).isNotBlank();
        for (JsonNode config : http().get(v3("/topics/" + topic + "/configs")).json().get("data")) {
            assertThat(config.path("documentation").asString("")).as(config.get("name").asString()).isNotBlank();
        }
        for (JsonNode config : http().get(v3("/topics/-/configs")).json().get("data")) {
            assertThat(config.has("documentation")).as(config.get("name").asString()).isFalse();
        }
    }
}
