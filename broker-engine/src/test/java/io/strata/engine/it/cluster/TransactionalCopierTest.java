package io.strata.engine.it.cluster;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import io.strata.engine.metadata.SupportedFeatures;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once consume-transform-produce in the style of Kafka's TransactionalMessageCopier, on three brokers with
 * RF 3 everywhere: records are copied from a 3-partition input topic to an output topic in transactions that also
 * commit the input offsets ({@code sendOffsetsToTransaction}); one transaction in ten is aborted; the copier is
 * killed mid-transaction and restarted once, and the broker coordinating its transactional id is killed once. A
 * read_committed consumer of the output then sees every input record exactly once, read_uncommitted also the
 * aborted copies. Parameterized by the cluster's finalized transaction version (KIP-890's version 2: an epoch bump
 * per transaction, partitions added by the leaders' verification, offsets partitions by TxnOffsetCommit v5).
 */
class TransactionalCopierTest extends ThreeBrokerClusterTestBase {
    private static final String INPUT = "copier-in";
    private static final String OUTPUT = "copier-out";
    private static final String GROUP = "copier";
    private static final String TRANSACTIONAL_ID = "copier-txn";
    private static final int RECORDS = 100_000;
    private static final int PARTITIONS = 3;

    private static final Logger log = LoggerFactory.getLogger(TransactionalCopierTest.class);

    private final Random random = new Random(42);

    @ParameterizedTest(name = "transaction.version {0}")
    @ValueSource(shorts = {1, 2})
    void everyInputRecordIsCopiedExactlyOnceThroughAbortsACopierRestartAndACoordinatorCrash(short transactionVersion)
            throws Exception {
        setTransactionVersion(transactionVersion);
        cluster.createReplicatedTopic(INPUT, PARTITIONS, Map.of("min.insync.replicas", "2"));
        cluster.createReplicatedTopic(OUTPUT, PARTITIONS, Map.of("min.insync.replicas", "2"));
        produceInput();

        Copier copier = new Copier();
        copier.copyUntil(RECORDS / 3);
        copier.killMidTransaction(); // the next copier's initTransactions fences it and aborts its open transaction

        copier = new Copier();
        copier.copyUntil(2 * RECORDS / 3);
        int coordinator = transactionCoordinator();
        cluster.broker(coordinator).halt();
        copier.copyUntil(RECORDS);
        copier.close();
        cluster.startBroker(coordinator);

        List<String> committed = readOutput("read_committed");
        assertThat(committed).hasSize(RECORDS);
        assertThat(new HashSet<>(committed)).hasSize(RECORDS).isEqualTo(inputIds());
        List<String> uncommitted = readOutput("read_uncommitted");
        assertThat(uncommitted.size()).as("aborted copies are there too").isGreaterThan(RECORDS);
        assertThat(new HashSet<>(uncommitted)).isEqualTo(inputIds());
    }

    /** The cluster's finalized transaction.version, which kafka-clients reads from ApiVersions. */
    private void setTransactionVersion(short level) throws Exception {
        short current = cluster.admin(1).describeFeatures().featureMetadata().get().finalizedFeatures()
                .get(SupportedFeatures.TRANSACTION_VERSION).maxVersionLevel();
        if (current != level) {
            cluster.admin(1).updateFeatures(Map.of(SupportedFeatures.TRANSACTION_VERSION, new FeatureUpdate(level,
                    level < current ? FeatureUpdate.UpgradeType.SAFE_DOWNGRADE : FeatureUpdate.UpgradeType.UPGRADE)),
                    new UpdateFeaturesOptions()).all().get();
        }
        for (int id = 1; id <= 3; id++) { // every broker's metadata poll has it before the first client asks
            int broker = id;
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.admin(broker).describeFeatures().featureMetadata()
                    .get().finalizedFeatures().get(SupportedFeatures.TRANSACTION_VERSION).maxVersionLevel() == level);
        }
    }

    private void produceInput() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(INPUT, i % PARTITIONS, null, "in-" + i));
            }
            producer.flush();
        }
    }

    private static Set<String> inputIds() {
        return IntStream.range(0, RECORDS).mapToObj(i -> "in-" + i).collect(Collectors.toSet());
    }

    /** The leader of the {@code __transaction_state} partition of the copier's id, as Kafka places it. */
    private int transactionCoordinator() throws Exception {
        TopicDescription state = cluster.admin(1).describeTopics(List.of("__transaction_state")).allTopicNames()
                .get().get("__transaction_state");
        int partition = Utils.abs(TRANSACTIONAL_ID.hashCode()) % state.partitions().size();
        return state.partitions().get(partition).leader().id();
    }

    private List<String> readOutput(String isolation) throws Exception {
        List<TopicPartition> tps = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(OUTPUT, p)).toList();
        Map<TopicPartition, Long> ends = new HashMap<>();
        cluster.admin(1).listOffsets(tps.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    /** One copier incarnation: a read_committed consumer in group {@value GROUP} and a transactional producer. */
    private final class Copier implements AutoCloseable {
        private KafkaConsumer<String, String> consumer;
        private KafkaProducer<String, String> producer;
        private long copied; // input records whose copies this incarnation committed, plus the group's start

        Copier() {
            open();
        }

        private void open() {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500), new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of(INPUT));
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID,
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000), new StringSerializer(), new StringSerializer());
            producer.initTransactions();
            copied = committedInputOffsets();
        }

        /** Copies in transactions until the group's committed input offsets add up to {@code target}. */
        void copyUntil(long target) {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (copied < target) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Copied " + copied + " of " + target + " in time; the group's committed "
                            + "input offsets: " + consumer.committed(consumer.assignment()) + ", positions: "
                            + consumer.assignment().stream().collect(Collectors.toMap(tp -> tp, consumer::position)));
                }
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    producer.beginTransaction();
                    for (ConsumerRecord<String, String> r : records) {
                        producer.send(new ProducerRecord<>(OUTPUT, r.partition(), r.key(), r.value()));
                    }
                    producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
                    if (random.nextInt(10) == 0) {
                        producer.abortTransaction();
                        rewind();
                    } else {
                        producer.commitTransaction();
                        copied += records.count();
                    }
                } catch (ProducerFencedException | InvalidProducerEpochException e) {
                    throw e; // nobody else uses this transactional id
                } catch (KafkaException e) {
                    // A broker died under the transaction (timeout, coordinator moved): abort and redo, or start over.
                    log.info("Transaction of {} input records failed; aborting it", records.count(), e);
                    try {
                        producer.abortTransaction();
                        rewind();
                    } catch (KafkaException fatal) {
                        log.info("Abort failed; reopening the copier", fatal);
                        close();
                        open();
                    }
                }
            }
        }

        /** Sends a transaction's records and offsets and stops without ending it, like a crashed copier. */
        void killMidTransaction() {
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            while (records.isEmpty()) {
                records = consumer.poll(Duration.ofMillis(200));
            }
            producer.beginTransaction();
            for (ConsumerRecord<String, String> r : records) {
                producer.send(new ProducerRecord<>(OUTPUT, r.partition(), r.key(), r.value()));
            }
            producer.flush();
            producer.close(Duration.ZERO);
            consumer.close(Duration.ZERO);
        }

        /** After an abort, reads again from the last committed offsets. */
        private void rewind() {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(consumer.assignment());
            for (TopicPartition tp : consumer.assignment()) {
                OffsetAndMetadata offset = committed.get(tp);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, offset.offset());
                }
            }
        }

        private long committedInputOffsets() {
            Set<TopicPartition> tps = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(INPUT, p))
                    .collect(Collectors.toSet());
            return consumer.committed(tps).values().stream().mapToLong(o -> o == null ? 0 : o.offset()).sum();
        }

        private Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, String> records) {
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            for (TopicPartition tp : records.partitions()) {
                List<ConsumerRecord<String, String>> part = records.records(tp);
                next.put(tp, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
            }
            return next;
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
