package io.strata.engine.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransactionMetadataTest {
    private static final String ID = "copier-1";
    private static final long PID = 1_000;
    private static final int TIMEOUT = 60_000;
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition B0 = new TopicPartition("b", 0);

    private final AtomicLong clock = new AtomicLong(10);

    @Test
    void aNewIdGetsEpochZeroOnItsFirstInitProducerId() {
        TransactionMetadata txn = TransactionMetadata.forNewId(ID, PID, TIMEOUT, clock::get);
        assertThat(txn.producerEpoch()).isEqualTo(TransactionMetadata.NO_PRODUCER_EPOCH);
        clock.set(20);

        TxnTransitMetadata init = txn.prepareIncrementProducerEpoch(30_000, Optional.empty());

        assertThat(init.txnState()).isEqualTo(TransactionState.EMPTY);
        assertThat(init.producerEpoch()).isZero();
        assertThat(init.lastProducerEpoch()).isEqualTo(TransactionMetadata.NO_PRODUCER_EPOCH);
        assertThat(txn.pendingState()).contains(TransactionState.EMPTY);
        assertThat(txn.producerEpoch()).as("nothing changes before the record is committed").isEqualTo((short) -1);
        txn.completeTransitionTo(init);
        assertThat(txn.producerEpoch()).isZero();
        assertThat(txn.txnTimeoutMs()).isEqualTo(30_000);
        assertThat(txn.txnLastUpdateTimestamp()).isEqualTo(20);
        assertThat(txn.pendingTransitionInProgress()).isFalse();
    }

    @Test
    void aVersion0TransactionCommitsWithoutChangingTheEpoch() {
        TransactionMetadata txn = initialised();
        clock.set(100);
        txn.completeTransitionTo(txn.prepareAddPartitions(Set.of(A0, A1), TransactionVersion.TV_0));
        clock.set(200);
        txn.completeTransitionTo(txn.prepareAddPartitions(Set.of(B0), TransactionVersion.TV_0));
        assertThat(txn.state()).isEqualTo(TransactionState.ONGOING);
        assertThat(txn.topicPartitions()).containsExactlyInAnyOrder(A0, A1, B0);
        assertThat(txn.txnStartTimestamp()).as("started by the first partition").isEqualTo(100);

        TxnTransitMetadata commit = txn.prepareAbortOrCommit(TransactionState.PREPARE_COMMIT,
                TransactionVersion.TV_0, TransactionMetadata.NO_PRODUCER_ID);
        assertThat(commit.producerEpoch()).isZero();
        assertThat(commit.topicPartitions()).containsExactlyInAnyOrder(A0, A1, B0);
        txn.completeTransitionTo(commit);
        TxnTransitMetadata complete = txn.prepareComplete();
        txn.completeTransitionTo(complete);

        assertThat(txn.state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(txn.topicPartitions()).isEmpty();
        assertThat(txn.producerId()).isEqualTo(PID);
        assertThat(txn.producerEpoch()).isZero();
        assertThat(txn.txnStartTimestamp()).isEqualTo(100);
    }

    @Test
    void aVersion2CommitBumpsTheEpochAndRemembersThePreviousOne() {
        TransactionMetadata txn = initialised();
        txn.completeTransitionTo(txn.prepareAddPartitions(Set.of(A0), TransactionVersion.TV_2));

        TxnTransitMetadata commit = txn.prepareAbortOrCommit(TransactionState.PREPARE_COMMIT,
                TransactionVersion.TV_2, TransactionMetadata.NO_PRODUCER_ID);
        assertThat(commit.producerEpoch()).isEqualTo((short) 1);
        assertThat(commit.lastProducerEpoch()).isZero();
        txn.completeTransitionTo(commit);
        assertThat(txn.producerEpoch()).isEqualTo((short) 1);
        txn.completeTransitionTo(txn.prepareComplete());

        assertThat(txn.state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(txn.producerEpoch()).isEqualTo((short) 1);
        assertThat(txn.lastProducerEpoch()).isZero();
        assertThat(txn.clientTransactionVersion()).isEqualTo(TransactionVersion.TV_2);
    }

    @Test
    void aVersion2EpochOverflowContinuesWithTheNextProducerIdAtEpochZero() {
        short exhausted = (short) (Short.MAX_VALUE - 1);
        TransactionMetadata txn = TransactionMetadata.fromLog(ID, new TxnTransitMetadata(PID, 900, -1, exhausted,
                (short) -1, TIMEOUT, TransactionState.ONGOING, Set.of(A0), 5, 5, TransactionVersion.TV_2), clock::get);
        assertThat(txn.isProducerEpochExhausted()).isTrue();

        TxnTransitMetadata commit = txn.prepareAbortOrCommit(TransactionState.PREPARE_COMMIT,
                TransactionVersion.TV_2, 2_000);
        assertThat(commit.producerEpoch()).isEqualTo(Short.MAX_VALUE);
        txn.completeTransitionTo(commit);
        assertThat(txn.nextProducerId()).isEqualTo(2_000);
        TxnTransitMetadata complete = txn.prepareComplete();
        assertThat(complete.producerId()).isEqualTo(2_000);
        assertThat(complete.producerEpoch()).isZero();
        txn.completeTransitionTo(complete);

        assertThat(txn.producerId()).isEqualTo(2_000);
        assertThat(txn.producerEpoch()).isZero();
        assertThat(txn.prevProducerId()).isEqualTo(PID);
        assertThat(txn.nextProducerId()).isEqualTo(TransactionMetadata.NO_PRODUCER_ID);
    }

    @Test
    void aProducerPassingItsCurrentEpochGetsItBumpedAndALastEpochRetryGetsTheSameEpochAgain() {
        TransactionMetadata txn = initialised();
        TxnTransitMetadata bump = txn.prepareIncrementProducerEpoch(TIMEOUT, Optional.of((short) 0));
        assertThat(bump.producerEpoch()).isEqualTo((short) 1);
        assertThat(bump.lastProducerEpoch()).isZero();
        txn.completeTransitionTo(bump);

        TxnTransitMetadata retry = txn.prepareIncrementProducerEpoch(TIMEOUT, Optional.of((short) 0));
        assertThat(retry.producerEpoch()).isEqualTo((short) 1);
        assertThat(retry.lastProducerEpoch()).isZero();
        txn.completeTransitionTo(retry);
        assertThat(txn.producerEpoch()).isEqualTo((short) 1);
    }

    @Test
    void aProducerPassingAnOlderEpochIsFencedAndNothingIsPending() {
        TransactionMetadata txn = initialised();
        txn.completeTransitionTo(txn.prepareIncrementProducerEpoch(TIMEOUT, Optional.empty()));
        txn.completeTransitionTo(txn.prepareIncrementProducerEpoch(TIMEOUT, Optional.empty()));
        assertThat(txn.producerEpoch()).isEqualTo((short) 2);
        assertThat(txn.lastProducerEpoch()).as("a new instance forgets the last epoch").isEqualTo((short) -1);

        assertThatThrownBy(() -> txn.prepareIncrementProducerEpoch(TIMEOUT, Optional.of((short) 1)))
                .isInstanceOf(ProducerFencedException.class);
        assertThat(txn.pendingTransitionInProgress()).isFalse();
    }

    @Test
    void anExhaustedEpochIsNotBumpedButRotatedToANewProducerId() {
        short exhausted = (short) (Short.MAX_VALUE - 1);
        TransactionMetadata txn = TransactionMetadata.fromLog(ID, new TxnTransitMetadata(PID, -1, -1, exhausted,
                (short) -1, TIMEOUT, TransactionState.COMPLETE_COMMIT, Set.of(), 5, 5, TransactionVersion.TV_0),
                clock::get);
        assertThatIllegalStateException().isThrownBy(() -> txn.prepareIncrementProducerEpoch(TIMEOUT, Optional.empty()));

        TxnTransitMetadata rotation = txn.prepareProducerIdRotation(2_000, 30_000, true);
        assertThat(rotation.producerEpoch()).isZero();
        assertThat(rotation.lastProducerEpoch()).isEqualTo(exhausted);
        txn.completeTransitionTo(rotation);

        assertThat(txn.state()).isEqualTo(TransactionState.EMPTY);
        assertThat(txn.producerId()).isEqualTo(2_000);
        assertThat(txn.prevProducerId()).isEqualTo(PID);
        assertThat(txn.producerEpoch()).isZero();
        assertThat(txn.txnTimeoutMs()).isEqualTo(30_000);
    }

    @Test
    void theProducerIdIsNotRotatedDuringATransaction() {
        TransactionMetadata txn = ongoing();
        assertThatIllegalStateException().isThrownBy(() -> txn.prepareProducerIdRotation(2_000, TIMEOUT, false));
    }

    @Test
    void fencingAnOngoingTransactionBumpsTheEpochWhichTheAbortCarries() {
        TransactionMetadata txn = ongoing();
        TxnTransitMetadata fence = txn.prepareFenceProducerEpoch();
        assertThat(fence.producerEpoch()).isEqualTo((short) 1);
        assertThatIllegalStateException().as("a fence is never persisted").isThrownBy(() -> txn.completeTransitionTo(fence));

        txn.applyEpochFence(fence);
        assertThat(txn.state()).isEqualTo(TransactionState.ONGOING);
        assertThat(txn.producerEpoch()).isEqualTo((short) 1);
        assertThat(txn.lastProducerEpoch()).isEqualTo((short) -1);
        TxnTransitMetadata abort = txn.prepareAbortOrCommit(TransactionState.PREPARE_ABORT, TransactionVersion.TV_0,
                TransactionMetadata.NO_PRODUCER_ID);
        assertThat(abort.producerEpoch()).isEqualTo((short) 1);
        txn.completeTransitionTo(abort);
        txn.completeTransitionTo(txn.prepareComplete());
        assertThat(txn.state()).isEqualTo(TransactionState.COMPLETE_ABORT);
        assertThat(txn.producerEpoch()).isEqualTo((short) 1);
    }

    @Test
    void aFenceWhoseAbortFailedIsNotBumpedAgain() {
        TransactionMetadata txn = ongoing();
        txn.applyEpochFence(txn.prepareFenceProducerEpoch());
        txn.prepareAbortOrCommit(TransactionState.PREPARE_ABORT, TransactionVersion.TV_0, -1);
        txn.markEpochFenceFailed();
        txn.cancelTransition();

        TxnTransitMetadata again = txn.prepareFenceProducerEpoch();
        assertThat(again.producerEpoch()).isEqualTo((short) 1);
        txn.applyEpochFence(again);
        txn.completeTransitionTo(txn.prepareAbortOrCommit(TransactionState.PREPARE_ABORT, TransactionVersion.TV_0, -1));
        txn.completeTransitionTo(txn.prepareComplete());
        assertThat(txn.hasFailedEpochFence()).isFalse();
    }

    @Test
    void aVersion2AbortWithNoPartitionAddedStartsTheTransactionNow() {
        TransactionMetadata txn = initialised();
        clock.set(500);
        TxnTransitMetadata abort = txn.prepareAbortOrCommit(TransactionState.PREPARE_ABORT, TransactionVersion.TV_2,
                -1);
        assertThat(abort.txnStartTimestamp()).isEqualTo(500);
        assertThat(abort.producerEpoch()).isEqualTo((short) 1);
        txn.completeTransitionTo(abort);
        txn.completeTransitionTo(txn.prepareComplete());
        assertThat(txn.state()).isEqualTo(TransactionState.COMPLETE_ABORT);
        assertThat(txn.producerEpoch()).isEqualTo((short) 1);
    }

    @Test
    void onlyAVersion2ClientMayAbortWhenNoTransactionIsOngoing() {
        TransactionMetadata txn = initialised();
        assertThatIllegalStateException().isThrownBy(() -> txn.prepareAbortOrCommit(TransactionState.PREPARE_ABORT,
                TransactionVersion.TV_0, -1)).withMessageContaining("no transaction is ongoing");
        assertThatIllegalStateException().isThrownBy(() -> txn.prepareAbortOrCommit(TransactionState.PREPARE_COMMIT,
                TransactionVersion.TV_2, -1));
        assertThat(txn.pendingTransitionInProgress()).isFalse();
    }

    @Test
    void aNewInstanceThatPresentsNoLastEpochIsFenced() {
        TransactionMetadata txn = initialised();
        txn.completeTransitionTo(txn.prepareIncrementProducerEpoch(TIMEOUT, Optional.empty()));
        assertThat(txn.lastProducerEpoch()).isEqualTo(TransactionMetadata.NO_PRODUCER_EPOCH);

        assertThatThrownBy(() -> txn.prepareIncrementProducerEpoch(TIMEOUT,
                Optional.of(TransactionMetadata.NO_PRODUCER_EPOCH))).isInstanceOf(ProducerFencedException.class);
    }

    @Test
    void onlyOneTransitionMayBePendingUntilItIsCancelled() {
        TransactionMetadata txn = ongoing();
        txn.prepareAddPartitions(Set.of(B0), TransactionVersion.TV_0);
        assertThatIllegalStateException().isThrownBy(() -> txn.prepareAbortOrCommit(TransactionState.PREPARE_COMMIT,
                TransactionVersion.TV_0, -1)).withMessageContaining("pending");

        txn.cancelTransition();
        assertThat(txn.topicPartitions()).containsExactly(A0);
        txn.completeTransitionTo(txn.prepareAbortOrCommit(TransactionState.PREPARE_COMMIT, TransactionVersion.TV_0, -1));
        assertThat(txn.state()).isEqualTo(TransactionState.PREPARE_COMMIT);
    }

    @Test
    void illegalTransitionsThrowAndLeaveNothingPending() {
        TransactionMetadata txn = initialised();
        assertThatIllegalStateException().isThrownBy(() -> txn.prepareAbortOrCommit(TransactionState.PREPARE_COMMIT,
                TransactionVersion.TV_0, -1));
        assertThatIllegalStateException().isThrownBy(txn::prepareComplete);
        assertThatIllegalStateException().isThrownBy(txn::prepareFenceProducerEpoch);
        assertThatIllegalArgumentException().isThrownBy(() -> txn.prepareAbortOrCommit(TransactionState.ONGOING,
                TransactionVersion.TV_0, -1));
        assertThat(txn.pendingTransitionInProgress()).isFalse();

        TransactionMetadata ongoing = ongoing();
        assertThatIllegalStateException().isThrownBy(ongoing::prepareDead);
        assertThatIllegalStateException().isThrownBy(() -> ongoing.prepareIncrementProducerEpoch(TIMEOUT,
                Optional.empty()));
        assertThat(ongoing.pendingTransitionInProgress()).isFalse();
    }

    @Test
    void aTransitThatIsNotThePendingOneOrDoesNotFitIsRefusedWithoutChangingAnything() {
        TransactionMetadata txn = ongoing();
        assertThatIllegalStateException().as("nothing pending").isThrownBy(() -> txn.completeTransitionTo(txn.snapshot()));

        TxnTransitMetadata add = txn.prepareAddPartitions(Set.of(B0), TransactionVersion.TV_0);
        TxnTransitMetadata otherProducer = new TxnTransitMetadata(PID + 1, PID, -1, add.producerEpoch(),
                add.lastProducerEpoch(), add.txnTimeoutMs(), TransactionState.ONGOING, add.topicPartitions(),
                add.txnStartTimestamp(), add.txnLastUpdateTimestamp(), add.clientTransactionVersion());
        assertThatIllegalStateException().isThrownBy(() -> txn.completeTransitionTo(otherProducer));
        TxnTransitMetadata shrunk = new TxnTransitMetadata(PID, PID, -1, add.producerEpoch(), add.lastProducerEpoch(),
                add.txnTimeoutMs(), TransactionState.ONGOING, Set.of(B0), add.txnStartTimestamp(),
                add.txnLastUpdateTimestamp(), add.clientTransactionVersion());
        assertThatIllegalStateException().isThrownBy(() -> txn.completeTransitionTo(shrunk));
        TxnTransitMetadata wrongState = new TxnTransitMetadata(PID, PID, -1, add.producerEpoch(),
                add.lastProducerEpoch(), add.txnTimeoutMs(), TransactionState.PREPARE_COMMIT, add.topicPartitions(),
                add.txnStartTimestamp(), add.txnLastUpdateTimestamp(), add.clientTransactionVersion());
        assertThatIllegalStateException().isThrownBy(() -> txn.completeTransitionTo(wrongState));
        assertThat(txn.topicPartitions()).containsExactly(A0);

        txn.completeTransitionTo(add);
        assertThat(txn.topicPartitions()).containsExactlyInAnyOrder(A0, B0);
    }

    @Test
    void anExpiringIdIsRemovedNotCompleted() {
        TransactionMetadata txn = initialised();
        TxnTransitMetadata dead = txn.prepareDead();
        assertThat(dead.txnState()).isEqualTo(TransactionState.DEAD);
        assertThatIllegalStateException().isThrownBy(() -> txn.completeTransitionTo(dead));
    }

    @Test
    void valuesThatAreNeverPersistedAreRefusedOnLoad() {
        for (TransactionState state : Set.of(TransactionState.DEAD, TransactionState.PREPARE_EPOCH_FENCE)) {
            assertThatIllegalArgumentException().isThrownBy(() -> TransactionMetadata.fromLog(ID,
                    new TxnTransitMetadata(PID, -1, -1, (short) 0, (short) -1, TIMEOUT, state, Set.of(), -1, 0,
                            TransactionVersion.TV_0), clock::get));
        }
        assertThatIllegalArgumentException().isThrownBy(() -> TransactionMetadata.fromLog(ID,
                new TxnTransitMetadata(PID, -1, -1, (short) 0, (short) -1, TIMEOUT, TransactionState.EMPTY,
                        Set.of(A0), -1, 0, TransactionVersion.TV_0), clock::get));
    }

    @Test
    void partitionsLeaveOnlyAPreparingTransaction() {
        TransactionMetadata txn = ongoing();
        assertThatIllegalStateException().isThrownBy(() -> txn.removePartition(A0));
        txn.completeTransitionTo(txn.prepareAbortOrCommit(TransactionState.PREPARE_ABORT, TransactionVersion.TV_0, -1));
        txn.removePartition(A0);
        assertThat(txn.topicPartitions()).isEmpty();
    }

    @Test
    void aSnapshotDoesNotFollowLaterChanges() {
        TransactionMetadata txn = ongoing();
        TxnTransitMetadata before = txn.snapshot();
        txn.completeTransitionTo(txn.prepareAddPartitions(Set.of(B0), TransactionVersion.TV_0));
        assertThat(before.topicPartitions()).containsExactly(A0);
        assertThat(before.txnState()).isEqualTo(TransactionState.ONGOING);
        assertThatThrownBy(() -> before.topicPartitions().add(B0)).isInstanceOf(UnsupportedOperationException.class);
    }

    private TransactionMetadata initialised() {
        TransactionMetadata txn = TransactionMetadata.forNewId(ID, PID, TIMEOUT, clock::get);
        txn.completeTransitionTo(txn.prepareIncrementProducerEpoch(TIMEOUT, Optional.empty()));
        return txn;
    }

    private TransactionMetadata ongoing() {
        TransactionMetadata txn = initialised();
        txn.completeTransitionTo(txn.prepareAddPartitions(Set.of(A0), TransactionVersion.TV_0));
        return txn;
    }
}
