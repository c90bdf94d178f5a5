package io.strata.engine.txn;

import io.strata.engine.txn.TransactionExpiryPlanner.Plan;
import io.strata.engine.txn.TransactionExpiryPlanner.TimedOutTransaction;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionExpiryPlannerTest {
    private static final long EXPIRATION = 7L * 24 * 3600 * 1000;
    private static final TopicPartition P = new TopicPartition("out", 0);

    @Test
    void anOngoingTransactionTimesOutOnlyOnceStrictlyPastItsTimeout() {
        TransactionMetadata txn = metadata("t", TransactionState.ONGOING, 1_000, 1_000, 5_000);

        assertThat(TransactionExpiryPlanner.plan(List.of(txn), 6_000, EXPIRATION).timedOut()).isEmpty();
        assertThat(TransactionExpiryPlanner.plan(List.of(txn), 6_001, EXPIRATION))
                .isEqualTo(new Plan(List.of(new TimedOutTransaction("t", 1, (short) 4)), List.of()));
    }

    @Test
    void anOngoingTransactionNeverExpiresHoweverLongItIsIdle() {
        TransactionMetadata txn = metadata("t", TransactionState.ONGOING, 0, 0, 5_000);

        Plan plan = TransactionExpiryPlanner.plan(List.of(txn), EXPIRATION * 2, EXPIRATION);

        assertThat(plan.expired()).isEmpty();
        assertThat(plan.timedOut()).extracting(TimedOutTransaction::transactionalId).containsExactly("t");
    }

    @Test
    void idleIdsWithNoTransactionExpireAtTheExpirationTime() {
        List<TransactionMetadata> idle = List.of(
                metadata("empty", TransactionState.EMPTY, -1, 100, 5_000),
                metadata("committed", TransactionState.COMPLETE_COMMIT, 50, 100, 5_000),
                metadata("aborted", TransactionState.COMPLETE_ABORT, 50, 100, 5_000),
                metadata("recent", TransactionState.COMPLETE_COMMIT, 50, 101, 5_000));

        Plan plan = TransactionExpiryPlanner.plan(idle, 100 + EXPIRATION, EXPIRATION);

        assertThat(plan.expired()).containsExactly("empty", "committed", "aborted");
        assertThat(plan.timedOut()).isEmpty();
    }

    @Test
    void preparingTransactionsAndIdsWithATransitionInProgressAreLeftAlone() {
        TransactionMetadata preparing = metadata("preparing", TransactionState.PREPARE_COMMIT, 0, 0, 10);
        TransactionMetadata inFlight = metadata("in-flight", TransactionState.ONGOING, 0, 0, 10);
        inFlight.prepareAbortOrCommit(TransactionState.PREPARE_COMMIT, TransactionVersion.TV_0, -1);
        TransactionMetadata expiring = metadata("expiring", TransactionState.EMPTY, -1, 0, 10);
        expiring.prepareDead();

        Plan plan = TransactionExpiryPlanner.plan(List.of(preparing, inFlight, expiring), EXPIRATION * 2, EXPIRATION);

        assertThat(plan.timedOut()).isEmpty();
        assertThat(plan.expired()).isEmpty();
    }

    private static TransactionMetadata metadata(String id, TransactionState state, long start, long lastUpdate,
                                                int timeoutMs) {
        Set<TopicPartition> partitions = state == TransactionState.EMPTY || state == TransactionState.COMPLETE_COMMIT
                || state == TransactionState.COMPLETE_ABORT ? Set.of() : Set.of(P);
        return TransactionMetadata.fromLog(id, new TxnTransitMetadata(1, -1, -1, (short) 4, (short) -1, timeoutMs,
                state, partitions, start, lastUpdate, TransactionVersion.TV_0), () -> lastUpdate);
    }
}
