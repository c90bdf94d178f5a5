package io.strata.platform.http;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ThroughputV3Test extends HttpPlatformTestBase {

    @Test
    void theThroughputCountersGrowByWhatAProducerSent() throws Exception {
        String topic = "throughput-" + System.nanoTime();
        createTopic(topic, 1);
        JsonNode before = http().get(v3("/throughput")).json();
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, new byte[1000])).get(30, TimeUnit.SECONDS);
            }
        }
        var response = http().get(v3("/throughput"));
        assertThat(response.status()).isEqualTo(200);
        JsonNode after = response.json();
        assertThat(after.get("kind").asString()).isEqualTo("StrataThroughput");
        assertThat(after.get("messages_in").asLong() - before.get("messages_in").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(after.get("bytes_in").asLong() - before.get("bytes_in").asLong()).isGreaterThanOrEqualTo(20 * 1000);
        assertThat(after.at("/produce_requests/count").asLong() - before.at("/produce_requests/count").asLong())
                .isGreaterThanOrEqualTo(20);
        assertThat(after.at("/produce_requests/total_time_ms").asDouble())
                .isGreaterThan(before.at("/produce_requests/total_time_ms").asDouble());
        assertThat(Instant.parse(after.get("sampled_at").asString()))
                .isAfterOrEqualTo(Instant.parse(before.get("sampled_at").asString()));
        assertThat(after.at("/metadata/self").asString()).isEqualTo(http().base() + v3("/throughput"));
    }

    @Test
    void throughputOfAnotherClusterIsNotFound() {
        assertThat(http().get("/v3/clusters/elsewhere/throughput").status()).isEqualTo(404);
    }
}
