package io.strata.engine.it.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transaction version 2 on three brokers: a group whose coordinator is not the transactional id's coordinator, so
 * TxnOffsetCommit v5's implicit add of the offsets partition travels to the other broker as AddPartitionsToTxn v5
 * (verifyOnly=false).
 */
class TransactionVersion2ClusterTest extends ThreeBrokerClusterTestBase {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final TopicPartition IN = new TopicPartition("tv2-cluster-in", 0);

    @Test
    @Timeout(120) // the client retries COORDINATOR_NOT_AVAILABLE without end while the remote add is refused
    void offsetsOfAGroupCoordinatedElsewhereAreAddedAtTheRemoteTransactionCoordinatorAndCommitted() throws Exception {
        Admin admin = cluster.admin(1);
        admin.updateFeatures(Map.of("transaction.version", new FeatureUpdate((short) 2,
                FeatureUpdate.UpgradeType.UPGRADE)), new UpdateFeaturesOptions()).all().get();
        await().atMost(SETTLE).untilAsserted(() -> assertThat(admin.describeFeatures().featureMetadata().get()
                .finalizedFeatures()).containsEntry("transaction.version",
                new FinalizedVersionRange((short) 2, (short) 2)));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tv2-cluster",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000))) {
            producer.initTransactions();
            int transactionCoordinator = admin.describeTransactions(List.of("tv2-cluster"))
                    .description("tv2-cluster").get().coordinatorId();
            String group = groupCoordinatedElsewhere(admin, transactionCoordinator);

            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(IN, new OffsetAndMetadata(42)), new ConsumerGroupMetadata(group));
            producer.commitTransaction();
            await().atMost(SETTLE).untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().get(IN)).isNotNull()
                    .extracting(OffsetAndMetadata::offset).isEqualTo(42L));
        }
    }

    /** A group id whose coordinator (the leader of its {@code __consumer_offsets} partition) is not {@code broker}. */
    private String groupCoordinatedElsewhere(Admin admin, int broker) throws Exception {
        admin.listConsumerGroupOffsets("tv2-group-0").partitionsToOffsetAndMetadata().get(); // creates the topic
        for (int i = 0; i < 100; i++) {
            String group = "tv2-group-" + i;
            int partition = Utils.abs(group.hashCode()) % cluster.partitions(Topic.GROUP_METADATA_TOPIC_NAME).size();
            if (cluster.partitions(Topic.GROUP_METADATA_TOPIC_NAME).get(partition).leader() != broker) {
                return group;
            }
        }
        throw new AssertionError("every group is coordinated by broker " + broker);
    }
}
