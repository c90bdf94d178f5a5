package io.strata.engine.it;

import io.strata.engine.config.TransactionConfig;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A kafka-clients transactional producer with {@code transaction.version} finalized at 2 through UpdateFeatures, so
 * it speaks KIP-890 part 2: no AddOffsetsToTxn or AddPartitionsToTxn, TxnOffsetCommit v5, EndTxn v5 with an epoch
 * bump per transaction (visible in DescribeTransactions).
 */
class TransactionVersion2ProducerTest extends BrokerTestBase {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TOPIC = "tv2-clients";
    private static final String GROUP = "tv2-copier";
    private static final TopicPartition IN = new TopicPartition("tv2-in", 0);

    private void startBrokerAtTransactionVersion2() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(), c -> c.withTransactions(TransactionConfig.defaults()
                .withStateLogReplicationFactor((short) 1).withStateLogNumPartitions(3)));
        fixture.createTopic(fixture.admin(), TOPIC, 2, Map.of());
        fixture.createTopic(fixture.admin(), IN.topic(), 1, Map.of());
        fixture.admin().updateFeatures(Map.of("transaction.version", new FeatureUpdate((short) 2,
                FeatureUpdate.UpgradeType.UPGRADE)), new UpdateFeaturesOptions()).all().get();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(fixture.admin().describeFeatures().featureMetadata()
                .get().finalizedFeatures()).containsEntry("transaction.version",
                new FinalizedVersionRange((short) 2, (short) 2)));
    }

    private KafkaProducer<String, String> transactional(String transactionalId) {
        KafkaProducer<String, String> producer = fixture.producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId));
        producer.initTransactions();
        return producer;
    }

    private short describedEpoch(String transactionalId) throws Exception {
        return (short) fixture.admin().describeTransactions(List.of(transactionalId)).description(transactionalId)
                .get().producerEpoch();
    }

    private OffsetAndMetadata committedOffset() throws Exception {
        return fixture.admin().listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().get(IN);
    }

    @Test
    void offsetsSentToTransactionsCommitAndAbortAndEveryEndBumpsTheProducerEpoch() throws Exception {
        startBrokerAtTransactionVersion2();
        fixture.admin().listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(); // creates the topic
        try (KafkaProducer<String, String> producer = transactional("tv2-offsets")) {
            short initial = describedEpoch("tv2-offsets");

            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(IN, new OffsetAndMetadata(10)), new ConsumerGroupMetadata(GROUP));
            producer.commitTransaction();
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(committedOffset()).isNotNull()
                    .extracting(OffsetAndMetadata::offset).isEqualTo(10L));
            assertThat(describedEpoch("tv2-offsets")).as("the commit bumped the epoch").isEqualTo((short) (initial + 1));

            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(IN, new OffsetAndMetadata(20)), new ConsumerGroupMetadata(GROUP));
            producer.abortTransaction();
            assertThat(describedEpoch("tv2-offsets")).as("the abort bumped the epoch").isEqualTo((short) (initial + 2));

            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(IN, new OffsetAndMetadata(30)), new ConsumerGroupMetadata(GROUP));
            producer.commitTransaction();
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(committedOffset()).isNotNull()
                .extracting(OffsetAndMetadata::offset).as("the aborted 20 never showed; the next commit did")
                .isEqualTo(30L));
    }

    @Test
    void recordsOfCommittedTransactionsAreReadCommittedAndAbortedOnesOnlyReadUncommitted() throws Exception {
        startBrokerAtTransactionVersion2();
        List<String> committed = new ArrayList<>();
        List<String> aborted = new ArrayList<>();
        try (KafkaProducer<String, String> producer = transactional("tv2-records")) {
            for (int txn = 0; txn < 4; txn++) {
                producer.beginTransaction();
                List<String> sent = txn % 2 == 0 ? committed : aborted;
                for (int i = 0; i < 10; i++) {
                    String value = "txn" + txn + "-" + i;
                    producer.send(new ProducerRecord<>(TOPIC, i % 2, null, value)).get(30, TimeUnit.SECONDS);
                    sent.add(value);
                }
                if (txn % 2 == 0) {
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
            }
        }
        assertThat(read("read_committed")).containsExactlyInAnyOrderElementsOf(committed);
        List<String> everything = new ArrayList<>(committed);
        everything.addAll(aborted);
        assertThat(read("read_uncommitted")).containsExactlyInAnyOrderElementsOf(everything);
    }

    @Test
    void aProducerThatPipelinesBatchesIntoEachNewTransactionKeepsCommitting() throws Exception {
        // Each transaction starts while the previous one's markers may still be in flight, so the first batches of a
        // partition can be refused for a moment (CONCURRENT_TRANSACTIONS from the leader's verification) while the
        // ones behind them are already sent: ProducerPerformance's transactional run hung so at its fourth commit.
        startBrokerAtTransactionVersion2();
        String value = "x".repeat(1024);
        int transactions = 15;
        int perTransaction = 400;
        try (KafkaProducer<String, String> producer = fixture.producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tv2-pipelined", ProducerConfig.BATCH_SIZE_CONFIG, 8192,
                ProducerConfig.LINGER_MS_CONFIG, 0))) {
            producer.initTransactions();
            for (int txn = 0; txn < transactions; txn++) {
                producer.beginTransaction();
                for (int i = 0; i < perTransaction; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, i % 2, null, value));
                }
                producer.commitTransaction();
            }
        }
        assertThat(read("read_committed")).hasSize(transactions * perTransaction);
    }

    private List<String> read(String isolation) {
        try (KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation))) {
            List<String> values = new ArrayList<>();
            BrokerFixture.readAll(consumer, List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)),
                    TIMEOUT).values().forEach(records -> records.stream().map(ConsumerRecord::value)
                    .forEach(values::add));
            return values;
        }
    }
}
