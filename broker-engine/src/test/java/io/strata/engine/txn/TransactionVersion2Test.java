package io.strata.engine.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transaction version 2 (KIP-890 part 2) at the coordinator: EndTxn bumps the epoch on every commit and abort,
 * rotates the producer id when the epoch overflows, recognises retries by the epoch before the bump, and the
 * transaction's version reaches the markers and survives a reload. On {@link CoordinatorHarness}, as
 * {@link TransactionCoordinatorTest}.
 */
class TransactionVersion2Test {
    private static final int LEADER_EPOCH = CoordinatorHarness.LEADER_EPOCH;
    private static final short LAST_USABLE = (short) (Short.MAX_VALUE - 1);
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition OFFSETS = new TopicPartition("__consumer_offsets", 3);

    private final CoordinatorHarness harness = new CoordinatorHarness();
    private final List<TransactionShard.PreparedEnd> prepared = harness.prepared;
    private final TransactionCoordinator coordinator = harness.coordinator;
    private final TransactionOperations ops = harness.ops;

    @AfterEach
    void stop() {
        harness.close();
    }

    private TransactionOperations.InitResult init(String id) {
        return harness.init(id);
    }

    private TransactionOperations.EndResult end(String id, long producerId, short epoch, boolean commit) {
        return ops.endTransaction(id, producerId, epoch, commit, TransactionVersion.TV_2).join();
    }

    private Errors add(String id, long producerId, short epoch, TopicPartition tp) {
        return ops.addPartitionsImplicitly(id, producerId, epoch, Set.of(tp)).join();
    }

    private void writeMarkers() {
        harness.writeMarkers();
    }

    private static TransactionOperations.EndResult ok(long producerId, int epoch) {
        return new TransactionOperations.EndResult(Errors.NONE, producerId, (short) epoch);
    }

    /** Loads id "a" with producer id 7 in an ongoing transaction on T0 at the last epoch it may bump from. */
    private void loadOngoingAtTheLastUsableEpoch() {
        harness.reload(LEADER_EPOCH + 1, TransactionLogRecords.transition("a", new TxnTransitMetadata(7, -1, -1,
                LAST_USABLE, (short) -1, 10_000, TransactionState.ONGOING, Set.of(T0), 500, 500,
                TransactionVersion.TV_2), TransactionVersion.TV_2, 500));
    }

    @Test
    void everyCommitAndAbortBumpsTheEpochAndAnswersTheOneToContinueWith() {
        TransactionOperations.InitResult p = init("a");
        assertThat(add("a", p.producerId(), p.producerEpoch(), T0)).isEqualTo(Errors.NONE);

        assertThat(end("a", p.producerId(), (short) 0, true)).isEqualTo(ok(p.producerId(), 1));
        assertThat(prepared).singleElement().satisfies(e -> {
            assertThat(e.prepared().txnState()).isEqualTo(TransactionState.PREPARE_COMMIT);
            assertThat(e.prepared().producerEpoch()).as("markers carry the bumped epoch").isEqualTo((short) 1);
            assertThat(e.prepared().clientTransactionVersion()).isEqualTo(TransactionVersion.TV_2);
        });
        writeMarkers();

        assertThat(add("a", p.producerId(), (short) 0, T0)).as("the old epoch is fenced")
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(add("a", p.producerId(), (short) 1, T0)).isEqualTo(Errors.NONE);
        assertThat(end("a", p.producerId(), (short) 1, false)).isEqualTo(ok(p.producerId(), 2));
        writeMarkers();
        assertThat(end("a", p.producerId(), (short) 2, true)).as("a commit with nothing ongoing")
                .isEqualTo(TransactionOperations.EndResult.error(Errors.INVALID_TXN_STATE));
    }

    @Test
    void retriesPresentTheEpochBeforeTheBumpAndGetKafkasAnswers() {
        TransactionOperations.InitResult p = init("a");
        long id = p.producerId();
        add("a", id, (short) 0, T0);
        assertThat(end("a", id, (short) 0, true)).isEqualTo(ok(id, 1));

        assertThat(end("a", id, (short) 0, true)).as("retry while the markers are written")
                .isEqualTo(TransactionOperations.EndResult.error(Errors.CONCURRENT_TRANSACTIONS));
        assertThat(end("a", id, (short) 0, false)).as("the other result while preparing")
                .isEqualTo(TransactionOperations.EndResult.error(Errors.INVALID_TXN_STATE));
        assertThat(end("a", id, (short) 1, true)).as("the new epoch is no retry while preparing")
                .isEqualTo(TransactionOperations.EndResult.error(Errors.PRODUCER_FENCED));
        writeMarkers();

        assertThat(end("a", id, (short) 0, true)).as("retry of the completed commit").isEqualTo(ok(id, 1));
        assertThat(end("a", id, (short) 0, false)).as("an abort retried against a commit")
                .isEqualTo(TransactionOperations.EndResult.error(Errors.INVALID_TXN_STATE));
        assertThat(end("a", id, (short) 5, true)).as("an epoch from nowhere")
                .isEqualTo(TransactionOperations.EndResult.error(Errors.PRODUCER_FENCED));
        assertThat(end("a", id + 1, (short) 1, true))
                .isEqualTo(TransactionOperations.EndResult.error(Errors.INVALID_PRODUCER_ID_MAPPING));
    }

    @Test
    void anAbortWithNoPartitionAddedIsPreparedWithABumpAndNeedsNoMarker() {
        TransactionOperations.InitResult p = init("a");

        assertThat(end("a", p.producerId(), (short) 0, false)).isEqualTo(ok(p.producerId(), 1));
        assertThat(prepared).singleElement().satisfies(e -> {
            assertThat(e.prepared().txnState()).isEqualTo(TransactionState.PREPARE_ABORT);
            assertThat(e.prepared().topicPartitions()).isEmpty();
        });
        writeMarkers();
        assertThat(end("a", p.producerId(), (short) 0, false)).as("its retry").isEqualTo(ok(p.producerId(), 1));
        assertThat(end("a", p.producerId(), (short) 1, false)).as("another empty abort")
                .isEqualTo(ok(p.producerId(), 2));
    }

    @Test
    void anOverflowingEpochHandsOutTheNextProducerIdAtEpochZeroAndItsRetryIsRecognised() {
        loadOngoingAtTheLastUsableEpoch();

        assertThat(end("a", 7, LAST_USABLE, true)).isEqualTo(ok(100, 0));
        assertThat(prepared).singleElement().satisfies(e -> {
            assertThat(e.prepared().producerId()).as("markers go out under the old id").isEqualTo(7);
            assertThat(e.prepared().producerEpoch()).isEqualTo(Short.MAX_VALUE);
            assertThat(e.prepared().nextProducerId()).isEqualTo(100);
        });
        writeMarkers();

        assertThat(end("a", 7, LAST_USABLE, true)).as("the retry of the overflowing commit").isEqualTo(ok(100, 0));
        assertThat(add("a", 100, (short) 0, T0)).isEqualTo(Errors.NONE);
        assertThat(end("a", 100, (short) 0, false)).isEqualTo(ok(100, 1));
    }

    @Test
    void theNextProducerIdAndTheVersionSurviveAReloadBetweenPrepareAndComplete() {
        loadOngoingAtTheLastUsableEpoch();
        assertThat(end("a", 7, LAST_USABLE, false)).isEqualTo(ok(100, 0));
        harness.dropMarkers();

        harness.reload(LEADER_EPOCH + 3);
        assertThat(prepared).as("the new coordinator resends the markers").singleElement().satisfies(e -> {
            assertThat(e.prepared().clientTransactionVersion()).isEqualTo(TransactionVersion.TV_2);
            assertThat(e.prepared().nextProducerId()).isEqualTo(100);
        });
        writeMarkers();
        assertThat(add("a", 100, (short) 0, T0)).as("the client continues with the next id").isEqualTo(Errors.NONE);
    }

    @Test
    void theImplicitAddRecordsVersion2AndAVersion1EndDoesNotBump() {
        TransactionOperations.InitResult p = init("a");
        assertThat(add("a", p.producerId(), p.producerEpoch(), OFFSETS)).isEqualTo(Errors.NONE);
        assertThat(coordinator.listing().describe("a").join().partitions()).containsExactly(OFFSETS);
        assertThat(init("a").error()).as("a new instance fences and aborts").isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(prepared).singleElement().satisfies(e -> {
            assertThat(e.prepared().clientTransactionVersion()).isEqualTo(TransactionVersion.TV_2);
            assertThat(e.prepared().producerEpoch()).as("fence bump plus the version-2 abort's bump")
                    .isEqualTo((short) (p.producerEpoch() + 2));
        });
        writeMarkers();

        TransactionOperations.InitResult q = init("b");
        assertThat(ops.addPartitions("b", q.producerId(), q.producerEpoch(), Set.of(T0)).join()).isEqualTo(Errors.NONE);
        assertThat(ops.endTransaction("b", q.producerId(), q.producerEpoch(), true, TransactionVersion.TV_0).join()
                .error()).isEqualTo(Errors.NONE);
        assertThat(prepared).last().satisfies(e -> {
            assertThat(e.prepared().producerEpoch()).isEqualTo(q.producerEpoch());
            assertThat(e.prepared().clientTransactionVersion()).isEqualTo(TransactionVersion.TV_0);
        });
    }
}
