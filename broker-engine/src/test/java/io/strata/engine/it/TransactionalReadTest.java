package io.strata.engine.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * read_committed against the partition side of transactions, with transactional batches and markers sent as raw
 * requests (no transaction coordinator involved) and real kafka-clients consumers reading. Partition verification
 * (KIP-890) is off here: it would refuse batches no coordinator knows about.
 */
class TransactionalReadTest extends BrokerTestBase {
    private static final String TOPIC = "payments";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private KafkaConsumer<String, String> consumer(String isolation) {
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation));
        consumer.assign(List.of(TP));
        return consumer;
    }

    private static List<String> values(KafkaConsumer<String, String> consumer, long end) {
        return BrokerFixture.pollUntilEnd(consumer, Map.of(TP, end), TIMEOUT).get(TP).stream()
                .map(ConsumerRecord::value).toList();
    }

    private void send(KafkaProducer<String, String> producer, String value) throws Exception {
        producer.send(new ProducerRecord<>(TOPIC, 0, null, value)).get();
    }

    @Test
    void readCommittedStopsAtAnOpenTransactionAndDropsAbortedRecordsWhileReadUncommittedSeesEverything()
            throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(), BrokerFixture::withoutPartitionVerification);
        fixture.createTopic(fixture.admin(), TOPIC, 1, Map.of());
        KafkaProducer<String, String> plain = fixture.producer(Map.of());
        try (TxnRequests txn = new TxnRequests(fixture.bootstrapServers())) {
            long aborting = txn.initProducerId();
            long committing = txn.initProducerId();
            send(plain, "before"); // 0
            assertThat(txn.produce(TP, aborting, (short) 0, 0, "a0", "a1")).isEqualTo(Errors.NONE); // 1-2
            assertThat(txn.produce(TP, committing, (short) 0, 0, "c0")).isEqualTo(Errors.NONE); // 3
            send(plain, "during"); // 4

            KafkaConsumer<String, String> committed = consumer("read_committed");
            assertThat(committed.endOffsets(List.of(TP))).as("ListOffsets latest: the LSO").containsEntry(TP, 1L);
            assertThat(values(committed, 1)).containsExactly("before");
            assertThat(committed.poll(Duration.ofMillis(500))).as("nothing past the open transaction").isEmpty();
            assertThat(committed.position(TP)).isEqualTo(1);
            assertThat(fixture.admin().describeProducers(List.of(TP)).partitionResult(TP).get().activeProducers())
                    .as("DescribeProducers shows the open transactions").anySatisfy(p -> {
                        assertThat(p.producerId()).isEqualTo(aborting);
                        assertThat(p.currentTransactionStartOffset()).hasValue(1L);
                    }).anySatisfy(p -> {
                        assertThat(p.producerId()).isEqualTo(committing);
                        assertThat(p.currentTransactionStartOffset()).hasValue(3L);
                    });

            assertThat(txn.writeMarker(TP, aborting, (short) 0, false, 0)).isEqualTo(Errors.NONE); // 5
            assertThat(txn.produce(TP, committing, (short) 0, 1, "c1")).isEqualTo(Errors.NONE); // 6
            assertThat(txn.writeMarker(TP, committing, (short) 0, true, 0, (short) 1)).isEqualTo(Errors.NONE); // 7
            assertThat(committed.endOffsets(List.of(TP))).containsEntry(TP, 8L);
            assertThat(values(committed, 8)).containsExactly("c0", "during", "c1");

            assertThat(values(consumer("read_uncommitted"), 8))
                    .containsExactly("before", "a0", "a1", "c0", "during", "c1");
        }
    }

    @Test
    void afterACrashAbortedRecordsStayFilteredAndAnOpenTransactionKeepsTheLastStableOffset() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(), BrokerFixture::withoutPartitionVerification);
        fixture.createTopic(fixture.admin(), TOPIC, 1, Map.of());
        KafkaProducer<String, String> plain = fixture.producer(Map.of());
        long aborted;
        long open;
        try (TxnRequests txn = new TxnRequests(fixture.bootstrapServers())) {
            aborted = txn.initProducerId();
            open = txn.initProducerId();
            assertThat(txn.produce(TP, aborted, (short) 0, 0, "a0", "a1")).isEqualTo(Errors.NONE); // 0-1
            assertThat(txn.produce(TP, open, (short) 0, 0, "o0")).isEqualTo(Errors.NONE); // 2
            assertThat(txn.writeMarker(TP, aborted, (short) 0, false, 3)).isEqualTo(Errors.NONE); // 3
            send(plain, "p"); // 4
        }
        fixture.halt();
        try (Stream<Path> files = Files.list(fixture.partitionDir(TOPIC, 0))) {
            List<Path> indexes = files.filter(f -> f.getFileName().toString().endsWith(".txnindex")).toList();
            assertThat(indexes).as("the abort was indexed").isNotEmpty();
            for (Path index : indexes) {
                Files.delete(index); // recovery must rebuild it from the log
            }
        }
        fixture.restart();

        KafkaConsumer<String, String> committed = consumer("read_committed");
        assertThat(committed.endOffsets(List.of(TP))).containsEntry(TP, 2L);
        assertThat(values(committed, 2)).as("a0 and a1 were aborted").isEmpty();
        try (TxnRequests txn = new TxnRequests(fixture.bootstrapServers())) {
            assertThat(txn.writeMarker(TP, aborted, (short) 0, false, 2))
                    .as("the coordinator epoch of the last marker survived the crash")
                    .isEqualTo(Errors.TRANSACTION_COORDINATOR_FENCED);
            assertThat(txn.writeMarker(TP, open, (short) 0, true, 3)).isEqualTo(Errors.NONE); // 5
        }
        assertThat(values(committed, 6)).containsExactly("o0", "p");
        assertThat(values(consumer("read_uncommitted"), 6)).containsExactly("a0", "a1", "o0", "p");
    }

    @Test
    void markersForUnknownPartitionsOrStaleEpochsAreRefusedPerPartition() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(), BrokerFixture::withoutPartitionVerification);
        fixture.createTopic(fixture.admin(), TOPIC, 1, Map.of());
        try (TxnRequests txn = new TxnRequests(fixture.bootstrapServers())) {
            long producer = txn.initProducerId();
            assertThat(txn.produce(TP, producer, (short) 1, 0, "x")).isEqualTo(Errors.NONE);
            assertThat(txn.writeMarker(new TopicPartition("nope", 0), producer, (short) 1, true, 0))
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(txn.writeMarker(new TopicPartition(TOPIC, 3), producer, (short) 1, true, 0))
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(txn.writeMarker(TP, producer, (short) 0, true, 0)).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
            assertThat(txn.writeMarker(TP, producer, (short) 1, true, 0)).isEqualTo(Errors.NONE);
        }
        KafkaConsumer<String, String> committed = consumer("read_committed");
        assertThat(values(committed, 2)).containsExactly("x");
    }
}
