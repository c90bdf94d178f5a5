package io.strata.engine.it;

import io.strata.engine.config.TransactionConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Transactions end to end with a real kafka-clients transactional producer (a new cluster's transaction version,
 * 2) against one broker's transaction coordinator, read back by read_committed and read_uncommitted consumers.
 */
class TransactionalProducerTest extends BrokerTestBase {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ORDERS = "orders";
    private static final String AUDIT = "audit";

    private void startBroker() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(), c -> c.withTransactions(TransactionConfig.defaults()
                .withStateLogReplicationFactor((short) 1).withStateLogNumPartitions(3)
                .withAbortTimedOutCheckIntervalMs(200)));
        fixture.createTopic(fixture.admin(), ORDERS, 3, Map.of());
        fixture.createTopic(fixture.admin(), AUDIT, 2, Map.of());
    }

    private KafkaProducer<String, String> transactional(String transactionalId, Map<String, Object> extra) {
        Map<String, Object> props = new java.util.HashMap<>(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId));
        props.putAll(extra);
        KafkaProducer<String, String> producer = fixture.producer(props);
        producer.initTransactions();
        return producer;
    }

    private List<TopicPartition> allPartitions() {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            all.add(new TopicPartition(ORDERS, p));
        }
        for (int p = 0; p < 2; p++) {
            all.add(new TopicPartition(AUDIT, p));
        }
        return all;
    }

    private List<String> read(String isolation) {
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation));
        List<String> values = new ArrayList<>();
        BrokerFixture.readAll(consumer, allPartitions(), TIMEOUT).values()
                .forEach(records -> records.stream().map(ConsumerRecord::value).forEach(values::add));
        return values;
    }

    /**
     * Waits until every partition's last stable offset is its log end: the coordinator writes the markers after it
     * answered EndTxn (as Kafka's does), so a read_committed read right after a commit may stop short of them. A
     * marker that never lands fails this wait.
     */
    private void awaitNoOpenTransaction() {
        KafkaConsumer<String, String> committed = fixture.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"));
        KafkaConsumer<String, String> uncommitted = fixture.consumer(Map.of());
        org.awaitility.Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() ->
                committed.endOffsets(allPartitions()).equals(uncommitted.endOffsets(allPartitions())));
    }

    private static List<String> sendToBothTopics(KafkaProducer<String, String> producer, String prefix)
            throws Exception {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String value = prefix + "-" + i;
            producer.send(new ProducerRecord<>(ORDERS, i % 3, null, value)).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(AUDIT, i % 2, null, value + "-audit")).get(30, TimeUnit.SECONDS);
            sent.add(value);
            sent.add(value + "-audit");
        }
        return sent;
    }

    @Test
    void aCommittedTransactionOverTwoTopicsBecomesVisibleToReadCommittedConsumersAsAWhole() throws Exception {
        startBroker();
        KafkaProducer<String, String> producer = transactional("committer", Map.of());
        producer.beginTransaction();
        List<String> sent = sendToBothTopics(producer, "first");
        assertThat(read("read_committed")).as("nothing before the commit").isEmpty();
        producer.commitTransaction();

        producer.beginTransaction();
        List<String> second = sendToBothTopics(producer, "second");
        producer.commitTransaction();
        awaitNoOpenTransaction();

        List<String> expected = new ArrayList<>(sent);
        expected.addAll(second);
        assertThat(read("read_committed")).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void anAbortedTransactionStaysInvisibleToReadCommittedButReadUncommittedSeesIt() throws Exception {
        startBroker();
        KafkaProducer<String, String> producer = transactional("aborter", Map.of());
        producer.beginTransaction();
        List<String> aborted = sendToBothTopics(producer, "aborted");
        producer.abortTransaction();
        producer.beginTransaction();
        List<String> committed = sendToBothTopics(producer, "kept");
        producer.commitTransaction();
        awaitNoOpenTransaction();

        assertThat(read("read_committed")).containsExactlyInAnyOrderElementsOf(committed);
        List<String> everything = new ArrayList<>(aborted);
        everything.addAll(committed);
        assertThat(read("read_uncommitted")).containsExactlyInAnyOrderElementsOf(everything);
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirstWhoseLaterWritesNeverBecomeVisible()
            throws Exception {
        startBroker();
        KafkaProducer<String, String> zombie = transactional("shared-id", Map.of());
        zombie.beginTransaction();
        List<String> zombieSent = sendToBothTopics(zombie, "zombie");

        KafkaProducer<String, String> successor = transactional("shared-id", Map.of()); // aborts the zombie's
        successor.beginTransaction();
        List<String> successorSent = sendToBothTopics(successor, "successor");
        successor.commitTransaction();

        Throwable lateSend = catchThrowable(() -> {
            zombie.send(new ProducerRecord<>(ORDERS, 0, null, "zombie-late")).get(30, TimeUnit.SECONDS);
            zombie.commitTransaction();
        });
        assertThat(lateSend).as("the fenced producer cannot write or commit").isNotNull();
        awaitNoOpenTransaction();
        assertThat(read("read_committed")).containsExactlyInAnyOrderElementsOf(successorSent)
                .doesNotContainAnyElementsOf(zombieSent).doesNotContain("zombie-late");
    }

    @Test
    void aTransactionPastItsTimeoutIsAbortedAndItsProducerFenced() throws Exception {
        startBroker();
        KafkaProducer<String, String> producer = transactional("slow", Map.of(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 1_000));
        producer.beginTransaction();
        List<String> sent = sendToBothTopics(producer, "slow");
        // read_committed is held at the open transaction only until the coordinator aborts it
        org.awaitility.Awaitility.await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(read("read_uncommitted")).containsAll(sent));
        awaitNoOpenTransaction();
        assertThat(read("read_committed")).isEmpty();
        assertThatThrownBy(producer::commitTransaction).isInstanceOf(KafkaException.class);
    }

    @Test
    void anOpenTransactionSurvivesACoordinatorCrashAndCanBeFinishedByTheNextProducerInstance() throws Exception {
        startBroker();
        KafkaProducer<String, String> producer = transactional("crashing", Map.of());
        producer.beginTransaction();
        List<String> lost = sendToBothTopics(producer, "before-crash");
        producer.close(Duration.ZERO);
        fixture.halt();
        fixture.restart();

        KafkaProducer<String, String> next = transactional("crashing", Map.of()); // aborts the open transaction
        next.beginTransaction();
        List<String> kept = sendToBothTopics(next, "after-crash");
        next.commitTransaction();
        awaitNoOpenTransaction();
        assertThat(read("read_committed")).containsExactlyInAnyOrderElementsOf(kept).doesNotContainAnyElementsOf(lost);
        List<String> everything = new ArrayList<>(lost);
        everything.addAll(kept);
        assertThat(read("read_uncommitted")).containsExactlyInAnyOrderElementsOf(everything);
    }

    @Test
    void theAdminClientListsAndDescribesTransactions() throws Exception {
        startBroker();
        KafkaProducer<String, String> producer = transactional("listed", Map.of());
        transactional("idle", Map.of());
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(ORDERS, 1, null, "x")).get(30, TimeUnit.SECONDS);
        producer.send(new ProducerRecord<>(AUDIT, 0, null, "y")).get(30, TimeUnit.SECONDS);
        org.apache.kafka.clients.admin.Admin admin = fixture.admin();

        assertThat(admin.listTransactions().all().get()).extracting(t -> t.transactionalId())
                .containsExactlyInAnyOrder("listed", "idle");
        assertThat(admin.listTransactions(new org.apache.kafka.clients.admin.ListTransactionsOptions()
                .filterStates(List.of(org.apache.kafka.clients.admin.TransactionState.ONGOING))).all().get())
                .singleElement().satisfies(t -> {
                    assertThat(t.transactionalId()).isEqualTo("listed");
                    assertThat(t.state()).isEqualTo(org.apache.kafka.clients.admin.TransactionState.ONGOING);
                });
        org.apache.kafka.clients.admin.TransactionDescription open = admin.describeTransactions(List.of("listed"))
                .description("listed").get();
        assertThat(open.state()).isEqualTo(org.apache.kafka.clients.admin.TransactionState.ONGOING);
        assertThat(open.topicPartitions()).containsExactlyInAnyOrder(new TopicPartition(ORDERS, 1),
                new TopicPartition(AUDIT, 0));
        assertThat(open.transactionStartTimeMs()).isPresent();
        assertThat(admin.listTransactions(new org.apache.kafka.clients.admin.ListTransactionsOptions()
                .filterProducerIds(java.util.Set.of(open.producerId()))).all().get()).hasSize(1);

        producer.commitTransaction();
        org.awaitility.Awaitility.await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(admin.describeTransactions(List.of("listed")).description("listed").get().state())
                        .isEqualTo(org.apache.kafka.clients.admin.TransactionState.COMPLETE_COMMIT));
        assertThat(catchThrowable(() -> admin.describeTransactions(List.of("unknown")).description("unknown").get()))
                .hasCauseInstanceOf(org.apache.kafka.common.errors.TransactionalIdNotFoundException.class);
    }

    @Test
    void aTransactionTimeoutAboveTheMaximumIsRefused() throws Exception {
        startBroker();
        KafkaProducer<String, String> producer = fixture.producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "greedy", ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 1_000_000));
        assertThatThrownBy(producer::initTransactions).isInstanceOf(KafkaException.class)
                .hasMessageContaining("transaction timeout");
    }
}
