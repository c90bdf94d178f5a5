package io.strata.engine.it.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Committed offsets live in {@code __consumer_offsets} (RF 3 on this cluster): a commit is acknowledged once
 * every ISR member has it, and when the broker coordinating the group dies the new leader of its offsets
 * partition loads the group, so the commit survives.
 */
class GroupCoordinatorFailoverTest extends ThreeBrokerClusterTestBase {
    private static final String TOPIC = "events";
    private static final String GROUP = "survivors";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @Test
    void committedOffsetsSurviveTheLossOfTheCoordinatingBroker() throws Exception {
        cluster.admin(1).createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, "v" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size() >= 60;
            });
            consumer.commitSync(Map.of(TP, new OffsetAndMetadata(60)));
        }
        Admin admin = cluster.admin(1);
        int coordinator = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).coordinator().id();

        cluster.broker(coordinator).halt();

        Admin survivor = cluster.admin(coordinator % 3 + 1);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(survivor.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().get(TP).offset())
                        .isEqualTo(60));
        assertThat(survivor.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).coordinator().id())
                .isNotEqualTo(coordinator);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> rest = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(rest::add);
                return rest.size() >= 40;
            });
            assertThat(rest.get(0).offset()).isEqualTo(60);
        }
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000), new StringDeserializer(), new StringDeserializer());
    }
}
