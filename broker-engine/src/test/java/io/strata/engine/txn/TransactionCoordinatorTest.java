package io.strata.engine.txn;

import io.strata.engine.config.TransactionConfig;
import io.strata.engine.coordinator.FakeCoordinatorLog;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transaction coordinator's operations on one {@code __transaction_state} partition, on a
 * {@link CoordinatorHarness}: a fake log that commits every append at once, a fake marker writer the test completes
 * by hand, inline threads and a manual clock.
 */
class TransactionCoordinatorTest {
    private static final int LEADER_EPOCH = CoordinatorHarness.LEADER_EPOCH;
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    private final CoordinatorHarness harness = new CoordinatorHarness();
    private final FakeCoordinatorLog log = harness.log;
    private final ManualTime time = harness.time;
    private final List<TransactionShard.PreparedEnd> prepared = harness.prepared;
    private final TransactionCoordinator coordinator = harness.coordinator;
    private final TransactionOperations ops = harness.ops;
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = harness.registry;

    @AfterEach
    void stop() {
        harness.close();
    }

    private TransactionOperations.InitResult init(String id) {
        return harness.init(id);
    }

    private void writeMarkers() {
        harness.writeMarkers();
    }

    @Test
    void aNewIdGetsAFreshProducerIdAtEpochZeroAndEachNewInstanceTheNextEpoch() {
        assertThat(init("a")).isEqualTo(new TransactionOperations.InitResult(Errors.NONE, 100, (short) 0));
        assertThat(init("a")).isEqualTo(new TransactionOperations.InitResult(Errors.NONE, 100, (short) 1));
        assertThat(init("b").producerId()).isEqualTo(101);
    }

    @Test
    void aTimeoutAboveTheMaximumAndAnEmptyIdAreRefused() {
        assertThat(ops.initProducerId("a", 60_001, -1, (short) -1).join().error())
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(ops.initProducerId("", 1_000, -1, (short) -1).join().error()).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(ops.initProducerId("a", 1_000, 5, (short) -1).join().error()).isEqualTo(Errors.INVALID_REQUEST);
    }

    @Test
    void aCommitIsAnsweredOncePreparedAndRetriesGetKafkasAnswersUntilAndAfterItsMarkersAreWritten() {
        TransactionOperations.InitResult p = init("a");
        assertThat(ops.addPartitions("a", p.producerId(), p.producerEpoch(), Set.of(T0, T1)).join())
                .isEqualTo(Errors.NONE);
        assertThat(ops.addPartitions("a", p.producerId(), p.producerEpoch(), Set.of(T0)).join())
                .as("already in the transaction").isEqualTo(Errors.NONE);
        coordinator.refreshMetrics();
        assertThat(registry.get("strata.txn.open").gauge().value()).isEqualTo(1);

        assertThat(ops.endTransaction("a", p.producerId(), p.producerEpoch(), true).join()).isEqualTo(Errors.NONE);
        assertThat(prepared).singleElement().satisfies(end -> {
            assertThat(end.coordinatorEpoch()).isEqualTo(LEADER_EPOCH);
            assertThat(end.prepared().txnState()).isEqualTo(TransactionState.PREPARE_COMMIT);
            assertThat(end.prepared().topicPartitions()).containsExactlyInAnyOrder(T0, T1);
        });
        assertThat(ops.endTransaction("a", p.producerId(), p.producerEpoch(), true).join())
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(ops.endTransaction("a", p.producerId(), p.producerEpoch(), false).join())
                .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(ops.addPartitions("a", p.producerId(), p.producerEpoch(), Set.of(T0)).join())
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);

        writeMarkers();
        assertThat(ops.endTransaction("a", p.producerId(), p.producerEpoch(), true).join())
                .as("a retry of the completed commit").isEqualTo(Errors.NONE);
        assertThat(ops.endTransaction("a", p.producerId(), p.producerEpoch(), false).join())
                .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(coordinator.listing().describe("a").join().state()).isEqualTo("CompleteCommit");
        assertThat(registry.get("strata.txn.completed").tag("result", "commit").counter().count()).isEqualTo(1);
        assertThat(registry.get("strata.txn.duration").timer().count()).isEqualTo(1);
    }

    @Test
    void endingWithoutATransactionOrWithAnotherProducerIsRefused() {
        TransactionOperations.InitResult p = init("a");
        assertThat(ops.endTransaction("a", p.producerId(), p.producerEpoch(), true).join())
                .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(ops.endTransaction("a", p.producerId() + 1, p.producerEpoch(), true).join())
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(ops.addPartitions("unknown", 1, (short) 0, Set.of(T0)).join())
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(ops.addPartitions("a", p.producerId(), (short) (p.producerEpoch() - 1 + 2), Set.of(T0)).join())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aNewInstanceFencesTheOngoingTransactionAbortsItAndGetsItsEpochOnceTheAbortCompletes() {
        TransactionOperations.InitResult old = init("a");
        ops.addPartitions("a", old.producerId(), old.producerEpoch(), Set.of(T0)).join();

        assertThat(init("a").error()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(prepared).singleElement().satisfies(end -> {
            assertThat(end.prepared().txnState()).isEqualTo(TransactionState.PREPARE_ABORT);
            assertThat(end.prepared().producerEpoch()).as("the abort carries the fencing epoch").isEqualTo((short) 1);
        });
        assertThat(ops.endTransaction("a", old.producerId(), old.producerEpoch(), true).join())
                .as("the zombie").isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(init("a").error()).as("markers pending").isEqualTo(Errors.CONCURRENT_TRANSACTIONS);

        writeMarkers();
        assertThat(init("a")).isEqualTo(new TransactionOperations.InitResult(Errors.NONE, old.producerId(), (short) 2));
    }

    @Test
    void kip360AProducerPassingItsCurrentIdAndEpochContinuesAndAnyOtherIsFenced() {
        TransactionOperations.InitResult p = init("a");
        assertThat(ops.initProducerId("a", 10_000, p.producerId(), p.producerEpoch()).join())
                .isEqualTo(new TransactionOperations.InitResult(Errors.NONE, p.producerId(), (short) 1));
        assertThat(ops.initProducerId("a", 10_000, p.producerId(), (short) 0).join())
                .as("a retry of the bump whose answer was lost").isEqualTo(
                        new TransactionOperations.InitResult(Errors.NONE, p.producerId(), (short) 1));
        assertThat(ops.initProducerId("a", 10_000, 999, (short) 0).join().error()).isEqualTo(Errors.PRODUCER_FENCED);
        init("a"); // another instance: the old epochs are forgotten
        assertThat(ops.initProducerId("a", 10_000, p.producerId(), (short) 1).join().error())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aTransactionPastItsTimeoutIsAbortedWithABumpedEpoch() {
        TransactionOperations.InitResult p = init("a");
        ops.addPartitions("a", p.producerId(), p.producerEpoch(), Set.of(T0)).join();
        coordinator.abortTimedOutTransactions();
        assertThat(prepared).as("not yet timed out").isEmpty();

        time.advance(10_001);
        coordinator.abortTimedOutTransactions();
        assertThat(prepared).singleElement().satisfies(end -> {
            assertThat(end.prepared().txnState()).isEqualTo(TransactionState.PREPARE_ABORT);
            assertThat(end.prepared().producerEpoch()).isEqualTo((short) 1);
        });
        writeMarkers();
        assertThat(ops.endTransaction("a", p.producerId(), p.producerEpoch(), true).join())
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(coordinator.listing().describe("a").join().state()).isEqualTo("CompleteAbort");
        assertThat(registry.get("strata.txn.timed.out").counter().count()).isEqualTo(1);
        assertThat(registry.get("strata.txn.completed").tag("result", "abort").counter().count()).isEqualTo(1);
    }

    @Test
    void aFailedAppendLeavesNoTransitionPendingSoTheRetrySucceeds() {
        TransactionOperations.InitResult p = init("a");
        ops.addPartitions("a", p.producerId(), p.producerEpoch(), Set.of(T0)).join();
        log.failNextAppend(new NotEnoughReplicasException("one replica"));
        assertThat(ops.endTransaction("a", p.producerId(), p.producerEpoch(), true)
                .exceptionally(e -> io.strata.engine.coordinator.CoordinatorErrors.errorOf(e)).join())
                .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(ops.endTransaction("a", p.producerId(), p.producerEpoch(), true).join()).isEqualTo(Errors.NONE);
    }

    @Test
    void aReloadedPartitionResendsTheMarkersOfPreparedTransactionsUnderTheNewCoordinatorEpoch() {
        TransactionOperations.InitResult p = init("a");
        ops.addPartitions("a", p.producerId(), p.producerEpoch(), Set.of(T0)).join();
        ops.endTransaction("a", p.producerId(), p.producerEpoch(), false).join();
        harness.dropMarkers();

        harness.reload(LEADER_EPOCH + 1);

        assertThat(prepared).singleElement().satisfies(end -> {
            assertThat(end.coordinatorEpoch()).isEqualTo(LEADER_EPOCH + 1);
            assertThat(end.prepared().txnState()).isEqualTo(TransactionState.PREPARE_ABORT);
            assertThat(end.prepared().topicPartitions()).containsExactly(T0);
        });
        writeMarkers();
        assertThat(coordinator.listing().describe("a").join().state()).isEqualTo("CompleteAbort");
        assertThat(init("a").producerEpoch()).isEqualTo((short) 1);
    }

    @Test
    void anExhaustedEpochRotatesToANewProducerId() {
        short nearlyExhausted = (short) (Short.MAX_VALUE - 2);
        harness.reload(LEADER_EPOCH + 1, TransactionLogRecords.transition("a", new TxnTransitMetadata(7, -1, -1,
                nearlyExhausted, (short) -1, 10_000, TransactionState.COMPLETE_COMMIT, Set.of(), 500, 500,
                TransactionVersion.TV_0), TransactionVersion.TV_0, 500));

        assertThat(init("a")).isEqualTo(new TransactionOperations.InitResult(Errors.NONE, 7, (short) (Short.MAX_VALUE - 1)));
        assertThat(init("a")).as("the last epoch is kept for the fence").isEqualTo(
                new TransactionOperations.InitResult(Errors.NONE, 100, (short) 0));
    }

    @Test
    void anIdleIdExpiresWithATombstone() {
        init("a");
        coordinator.removeExpiredIds();
        assertThat(coordinator.listing().describe("a").join().error()).isEqualTo(Errors.NONE);

        time.advance(TransactionConfig.defaults().idExpirationMs());
        coordinator.removeExpiredIds();
        assertThat(coordinator.listing().describe("a").join().error()).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND);
        assertThat(init("a").producerId()).as("a new id, a new producer id").isEqualTo(101);
    }

    @Test
    void theStateTopicIsNotCreatedWithFewerLiveBrokersThanItsReplicationFactor() {
        coordinator.startServing();
        org.assertj.core.api.Assertions.assertThatThrownBy(coordinator::ensureStateTopic)
                .isInstanceOf(org.apache.kafka.common.errors.CoordinatorNotAvailableException.class)
                .hasMessageContaining("replication.factor is 3");
    }

    @Test
    void listingFiltersByStateProducerIdAndDuration() {
        TransactionOperations.InitResult a = init("a");
        init("b");
        ops.addPartitions("a", a.producerId(), a.producerEpoch(), Set.of(T0)).join();
        time.advance(500);
        TransactionListing listing = coordinator.listing();

        assertThat(listing.list(List.of(), List.of(), -1, null).join().transactions())
                .extracting(TransactionListing.Listed::transactionalId).containsExactlyInAnyOrder("a", "b");
        assertThat(listing.list(List.of("Ongoing", "Bogus"), List.of(), -1, null).join()).satisfies(r -> {
            assertThat(r.unknownStateFilters()).containsExactly("Bogus");
            assertThat(r.transactions()).extracting(TransactionListing.Listed::transactionalId).containsExactly("a");
        });
        assertThat(listing.list(List.of(), List.of(a.producerId()), -1, null).join().transactions()).hasSize(1);
        assertThat(listing.list(List.of("Ongoing"), List.of(), 499, null).join().transactions()).hasSize(1);
        assertThat(listing.list(List.of("Ongoing"), List.of(), 500, null).join().transactions()).isEmpty();
        assertThat(listing.list(List.of(), List.of(), -1, "b.*").join().transactions())
                .extracting(TransactionListing.Listed::transactionalId).containsExactly("b");
        assertThat(listing.describe("nope").join().error()).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND);
    }
}
