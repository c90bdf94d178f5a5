package io.strata.engine.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** One subscribe() consumer end to end: join, fetch, commit, and a second consumer resuming at the commit. */
class SubscribeSmokeTest extends BrokerTestBase {
    @Test
    void subscribedConsumerCommitsAndASuccessorResumesThere() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        fixture.createTopic(fixture.admin(), "smoke", 2, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        for (int i = 0; i < 100; i++) {
            producer.send(new ProducerRecord<>("smoke", i % 2, "k" + i, "v" + i));
        }
        producer.flush();

        KafkaConsumer<String, String> first = fixture.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "smoke-group"));
        first.subscribe(List.of("smoke"));
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (seen.size() < 100 && System.currentTimeMillis() < deadline) {
            first.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        assertThat(seen).hasSize(100);
        assertThat(first.assignment()).containsExactlyInAnyOrder(new TopicPartition("smoke", 0),
                new TopicPartition("smoke", 1));
        first.commitSync(Map.of(new TopicPartition("smoke", 0), new OffsetAndMetadata(30, "note"),
                new TopicPartition("smoke", 1), new OffsetAndMetadata(40)));
        assertThat(first.committed(Set.of(new TopicPartition("smoke", 0))).get(new TopicPartition("smoke", 0)))
                .isEqualTo(new OffsetAndMetadata(30, first.committed(Set.of(new TopicPartition("smoke", 0)))
                        .get(new TopicPartition("smoke", 0)).leaderEpoch(), "note"));
        first.close();

        KafkaConsumer<String, String> second = fixture.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "smoke-group"));
        second.subscribe(List.of("smoke"));
        List<ConsumerRecord<String, String>> resumed = new ArrayList<>();
        deadline = System.currentTimeMillis() + 30_000;
        while (resumed.size() < 30 && System.currentTimeMillis() < deadline) {
            second.poll(Duration.ofMillis(200)).forEach(resumed::add);
        }
        assertThat(resumed).hasSize(30);
        assertThat(resumed).filteredOn(r -> r.partition() == 0).extracting(ConsumerRecord::offset)
                .first().isEqualTo(30L);
        assertThat(resumed).filteredOn(r -> r.partition() == 1).extracting(ConsumerRecord::offset)
                .first().isEqualTo(40L);
    }
}
