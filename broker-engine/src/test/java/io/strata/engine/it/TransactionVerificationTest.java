package io.strata.engine.it;

import io.strata.engine.config.TransactionConfig;
import io.strata.engine.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.strata.engine.it.TxnVerificationRequests.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * KIP-890 part 1 with raw requests on one broker: a leader appends a transactional batch that would start a
 * transaction on a partition only once the transaction coordinator confirms the partition is in the producer's
 * ongoing transaction (or, for produce v12+, adds it), so a late batch cannot leave a transaction hanging; and the
 * batched AddPartitionsToTxn v4-v5 form brokers send.
 */
class TransactionVerificationTest extends BrokerTestBase {
    private static final String TOPIC = "verified";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private void start() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(), c -> c.withTransactions(TransactionConfig.defaults()
                .withStateLogReplicationFactor((short) 1).withStateLogNumPartitions(1)
                .withAbortTimedOutCheckIntervalMs(100)));
        fixture.createTopic(fixture.admin(), TOPIC, 2, Map.of());
    }

    private PartitionLog log(TopicPartition tp) {
        return fixture.broker().replicaManager().partition(tp).orElseThrow().log();
    }

    @Test
    void aTransactionalBatchWithoutAddPartitionsToTxnIsRefusedAndAppendsNothing() throws Exception {
        start();
        try (TxnVerificationRequests txn = new TxnVerificationRequests(fixture.bootstrapServers())) {
            InitProducerIdResponseData p = txn.init("unadded", 60_000);
            assertThat(txn.produce((short) 10, "unadded", P0, p.producerId(), p.producerEpoch(), 0, "x"))
                    .isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(txn.produce((short) 11, "unadded", P0, p.producerId(), p.producerEpoch(), 0, "x"))
                    .as("produce v11 clients abort on TRANSACTION_ABORTABLE").isEqualTo(Errors.TRANSACTION_ABORTABLE);
            assertThat(txn.produce((short) 10, null, P0, p.producerId(), p.producerEpoch(), 0, "x"))
                    .as("transactional records need a transactional id").isEqualTo(Errors.INVALID_REQUEST);
            assertThat(log(P0).logEndOffset()).isZero();
            assertThat(log(P0).producerState().ongoingTransactionCount()).isZero();

            assertThat(txn.addPartition("unadded", p, P0)).isEqualTo(Errors.NONE);
            assertThat(txn.produce((short) 10, "unadded", P0, p.producerId(), p.producerEpoch(), 0, "x"))
                    .isEqualTo(Errors.NONE);
            assertThat(txn.produce((short) 10, "unadded", P0, p.producerId(), p.producerEpoch(), 1, "y"))
                    .as("continues the ongoing transaction").isEqualTo(Errors.NONE);
            assertThat(log(P0).logEndOffset()).isEqualTo(2);
        }
    }

    @Test
    void aLateBatchAfterTheCoordinatorAbortedOnTimeoutIsRefusedAndTheLastStableOffsetDoesNotStick() throws Exception {
        start();
        try (TxnVerificationRequests txn = new TxnVerificationRequests(fixture.bootstrapServers())) {
            InitProducerIdResponseData p = txn.init("zombie", 1_000);
            assertThat(txn.addPartition("zombie", p, P0)).isEqualTo(Errors.NONE);
            assertThat(txn.produce((short) 10, "zombie", P0, p.producerId(), p.producerEpoch(), 0, "a"))
                    .isEqualTo(Errors.NONE);
            await("the coordinator aborts the transaction on its timeout").atMost(Duration.ofSeconds(30))
                    .until(() -> log(P0).lastStableOffset() == log(P0).logEndOffset());

            // A batch of the old epoch, delayed in the network, reaches a partition the abort never touched.
            Errors late = txn.produce((short) 10, "zombie", P1, p.producerId(), p.producerEpoch(), 0, "late");
            assertThat(late).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
            assertThat(log(P1).logEndOffset()).isZero();
            assertThat(log(P1).producerState().ongoingTransactionCount()).isZero();
            assertThat(log(P1).lastStableOffset()).isEqualTo(log(P1).highWatermark());
        }
    }

    @Test
    void aBatchArrivingAfterItsTransactionCommittedCannotStartAnotherOneUnderTheSameEpoch() throws Exception {
        start();
        try (TxnVerificationRequests txn = new TxnVerificationRequests(fixture.bootstrapServers())) {
            InitProducerIdResponseData p = txn.init("committed", 60_000);
            assertThat(txn.addPartition("committed", p, P0)).isEqualTo(Errors.NONE);
            assertThat(txn.produce((short) 10, "committed", P0, p.producerId(), p.producerEpoch(), 0, "a"))
                    .isEqualTo(Errors.NONE);
            assertThat(TxnVerificationRequests.end(txn.connection(), "committed", p, true)).isEqualTo(Errors.NONE);
            await().atMost(Duration.ofSeconds(30)).until(() -> log(P0).lastStableOffset() == log(P0).logEndOffset());
            long end = log(P0).logEndOffset();

            assertThat(txn.produce((short) 10, "committed", P0, p.producerId(), p.producerEpoch(), 1, "late"))
                    .isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(log(P0).logEndOffset()).isEqualTo(end);
            assertThat(log(P0).lastStableOffset()).isEqualTo(end);
        }
    }

    @Test
    void produceV12AddsThePartitionToTheTransactionThroughTheLeader() throws Exception {
        start();
        try (TxnVerificationRequests txn = new TxnVerificationRequests(fixture.bootstrapServers())) {
            InitProducerIdResponseData p = txn.init("implicit", 60_000);
            assertThat(txn.produce((short) 12, "implicit", P1, p.producerId(), p.producerEpoch(), 0, "x"))
                    .isEqualTo(Errors.NONE);
            assertThat(log(P1).producerState().ongoingTransactionCount()).isEqualTo(1);
            assertThat(txn.addPartitionsBatched((short) 5, List.of(transaction("implicit", p.producerId(),
                    p.producerEpoch(), true, List.of(P1))))).isEqualTo(Map.of("implicit", Map.of(P1, Errors.NONE)));
        }
    }

    @Test
    void theBatchedFormVerifiesAndAddsPerTransactionAtV4AndV5() throws Exception {
        start();
        try (TxnVerificationRequests txn = new TxnVerificationRequests(fixture.bootstrapServers())) {
            InitProducerIdResponseData a = txn.init("batched-a", 60_000);
            InitProducerIdResponseData b = txn.init("batched-b", 60_000);
            assertThat(txn.addPartition("batched-a", a, P0)).isEqualTo(Errors.NONE);
            for (short v = 4; v <= 5; v++) {
                Errors missing = v == 4 ? Errors.INVALID_TXN_STATE : Errors.TRANSACTION_ABORTABLE;
                assertThat(txn.addPartitionsBatched(v, List.of(
                        transaction("batched-a", a.producerId(), a.producerEpoch(), true, List.of(P0, P1)),
                        transaction("batched-b", b.producerId(), (short) (b.producerEpoch() - 1), true, List.of(P0)),
                        transaction("batched-none", 12345L, (short) 0, true, List.of(P0)),
                        transaction("batched-a2", a.producerId(), a.producerEpoch(), true,
                                List.of(new TopicPartition("no-such-topic", 0))))))
                        .as("v%d", v)
                        .isEqualTo(Map.of(
                                "batched-a", Map.of(P0, Errors.NONE, P1, missing),
                                "batched-b", Map.of(P0, Errors.PRODUCER_FENCED),
                                "batched-none", Map.of(P0, Errors.INVALID_PRODUCER_ID_MAPPING),
                                "batched-a2", Map.of(new TopicPartition("no-such-topic", 0),
                                        Errors.UNKNOWN_TOPIC_OR_PARTITION)));
            }
            assertThat(txn.addPartitionsBatched((short) 4, List.of(
                    transaction("batched-b", b.producerId(), b.producerEpoch(), false, List.of(P1)))))
                    .as("verifyOnly false adds").isEqualTo(Map.of("batched-b", Map.of(P1, Errors.NONE)));
            assertThat(txn.addPartitionsBatched((short) 5, List.of(
                    transaction("batched-b", b.producerId(), b.producerEpoch(), true, List.of(P1)))))
                    .isEqualTo(Map.of("batched-b", Map.of(P1, Errors.NONE)));
        }
    }
}
