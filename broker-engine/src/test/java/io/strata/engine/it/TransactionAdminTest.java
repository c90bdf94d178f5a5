package io.strata.engine.it;

import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code kafka-transactions.sh find-hanging} and {@code abort} do with the Admin client: a transaction left
 * open on a partition is found with describeProducers, and abortTransaction writes an abort marker straight to the
 * partition's leader, so read_committed consumers get past it and never see its records.
 */
class TransactionAdminTest extends BrokerTestBase {
    private static final TopicPartition TP = new TopicPartition("held", 0);

    @Test
    void anAdminAbortReleasesATransactionLeftOpenOnAPartition() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        fixture.createTopic(admin, TP.topic(), 1, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "left-open",
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000));
        producer.initTransactions();
        producer.beginTransaction();
        for (int i = 0; i < 5; i++) {
            producer.send(new ProducerRecord<>(TP.topic(), 0, null, "open-" + i)).get(30, TimeUnit.SECONDS);
        }
        assertThat(lastStableOffset(admin)).as("held back by the open transaction").isZero();

        ProducerState open = admin.describeProducers(List.of(TP)).partitionResult(TP).get().activeProducers().stream()
                .filter(p -> p.currentTransactionStartOffset().isPresent()).findFirst().orElseThrow();
        assertThat(open.currentTransactionStartOffset()).hasValue(0);
        admin.abortTransaction(new AbortTransactionSpec(TP, open.producerId(), (short) open.producerEpoch(),
                open.coordinatorEpoch().orElse(-1))).all().get(30, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastStableOffset(admin))
                .as("past the records and the abort marker").isEqualTo(6));
        assertThat(admin.describeProducers(List.of(TP)).partitionResult(TP).get().activeProducers())
                .allSatisfy(p -> assertThat(p.currentTransactionStartOffset()).isEmpty());
        assertThat(read("read_committed")).isEmpty();
        assertThat(read("read_uncommitted")).containsExactly("open-0", "open-1", "open-2", "open-3", "open-4");
        producer.close(Duration.ZERO);
    }

    private static long lastStableOffset(Admin admin) throws Exception {
        return admin.listOffsets(Map.of(TP, OffsetSpec.latest()),
                        new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all().get().get(TP).offset();
    }

    private List<String> read(String isolation) {
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation));
        return BrokerFixture.readAll(consumer, List.of(TP), Duration.ofSeconds(30)).get(TP).stream()
                .map(ConsumerRecord::value).toList();
    }
}
