package io.strata.engine.it.cluster;

import io.strata.engine.it.RawKafkaConnection;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code __consumer_offsets} is created with Kafka's {@code offsets.topic.replication.factor} 3 and not with
 * fewer replicas: while fewer brokers are live, FindCoordinator answers COORDINATOR_NOT_AVAILABLE and the
 * topic does not exist; once the third broker is up, consumer groups work, whichever broker coordinates them
 * (the one that created the topic or one that learned of it from the metadata).
 */
class OffsetsTopicReplicationFactorTest {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final String GROUP = "billing";

    @TempDir
    Path root;
    private ClusterFixture cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void untilThreeBrokersAreLiveTheCoordinatorIsNotAvailableAndTheTopicIsNotCreatedThenGroupsWorkOnEveryBroker()
            throws Exception {
        cluster = ClusterFixture.start(root, 3, 1);

        FindCoordinatorResponseData.Coordinator alone = findCoordinator(1);
        assertThat(Errors.forCode(alone.errorCode())).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(alone.errorMessage()).contains("offsets.topic.replication.factor is 3", "only 1 broker(s)");
        assertThat(cluster.store().topic(Topic.GROUP_METADATA_TOPIC_NAME)).isEmpty();

        cluster.startBroker(2);
        await().atMost(SETTLE).untilAsserted(() -> assertThat(findCoordinator(1).errorMessage())
                .contains("only 2 broker(s)"));
        assertThat(Errors.forCode(findCoordinator(2).errorCode())).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(cluster.store().topic(Topic.GROUP_METADATA_TOPIC_NAME)).isEmpty();

        cluster.startBroker(3);
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(Errors.forCode(findCoordinator(1).errorCode())).isEqualTo(Errors.NONE));
        TopicMetadata offsetsTopic = cluster.store().topic(Topic.GROUP_METADATA_TOPIC_NAME).orElseThrow();
        assertThat(offsetsTopic.partitions()).hasSize(50)
                .allSatisfy(p -> assertThat(p.replicas()).containsExactlyInAnyOrder(1, 2, 3));

        produce("orders", 10);
        for (int coordinator = 1; coordinator <= 3; coordinator++) { // brokers that learned of the topic, too
            String group = groupCoordinatedBy(offsetsTopic, coordinator);
            consumeAndCommitAsGroup(group, "orders", 10);
            Map<TopicPartition, OffsetAndMetadata> committed = cluster.admin(1).listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(committed).as(group).extractingByKey(new TopicPartition("orders", 0))
                    .extracting(OffsetAndMetadata::offset).isEqualTo(10L);
        }
    }

    /** A group id whose {@code __consumer_offsets} partition broker {@code brokerId} leads. */
    private static String groupCoordinatedBy(TopicMetadata offsetsTopic, int brokerId) {
        for (int i = 0; ; i++) {
            String group = "group-" + i;
            int partition = Utils.abs(group.hashCode()) % offsetsTopic.partitions().size();
            if (offsetsTopic.partitions().get(partition).leader() == brokerId) {
                return group;
            }
        }
    }

    private FindCoordinatorResponseData.Coordinator findCoordinator(int brokerId) throws IOException {
        try (RawKafkaConnection connection = new RawKafkaConnection(cluster.broker(brokerId).bootstrapServers())) {
            FindCoordinatorResponse response = connection.send(new FindCoordinatorRequest.Builder(
                    new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(List.of(GROUP))),
                    (short) 4);
            return response.coordinatorByKey(GROUP).orElseThrow();
        }
    }

    private void produce(String topic, int records) throws Exception {
        cluster.admin(1).createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
    }

    private void consumeAndCommitAsGroup(String group, String topic, int records) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            int[] seen = {0};
            await().atMost(SETTLE).until(() -> {
                seen[0] += consumer.poll(Duration.ofMillis(200)).count();
                return seen[0] >= records;
            });
            assertThat(seen[0]).isEqualTo(records);
            consumer.commitSync(Duration.ofSeconds(15));
        }
    }
}
