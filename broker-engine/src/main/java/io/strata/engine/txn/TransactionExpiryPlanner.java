package io.strata.engine.txn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Decides, for the transactional ids of one {@code __transaction_state} partition, which transactions have
 * timed out and which ids have expired; the coordinator carries the plan out. A pure function of the metadata
 * and the time: it reads the metadata only, so it runs as an operation of the partition's serial execution
 * (see {@link TransactionMetadata}), and ids with a transition in progress are left for the next round.
 */
public final class TransactionExpiryPlanner {

    private TransactionExpiryPlanner() {
    }

    /** An ongoing transaction past its {@code transaction.timeout.ms}: to be fenced (epoch bump) and aborted. */
    public record TimedOutTransaction(String transactionalId, long producerId, short producerEpoch) {
    }

    /**
     * @param timedOut ids whose transaction is to be aborted with an epoch bump
     * @param expired  ids idle past {@code transactional.id.expiration.ms}, to be removed with a tombstone
     */
    public record Plan(List<TimedOutTransaction> timedOut, List<String> expired) {
        public Plan {
            timedOut = List.copyOf(timedOut);
            expired = List.copyOf(expired);
        }
    }

    /**
     * @param transactions   the metadata of one partition's ids
     * @param nowMs          the coordinator's clock
     * @param idExpirationMs {@code transactional.id.expiration.ms}
     */
    public static Plan plan(Collection<TransactionMetadata> transactions, long nowMs, long idExpirationMs) {
        List<TimedOutTransaction> timedOut = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        for (TransactionMetadata txn : transactions) {
            if (txn.pendingTransitionInProgress()) {
                continue;
            }
            if (isTimedOut(txn, nowMs)) {
                timedOut.add(new TimedOutTransaction(txn.transactionalId(), txn.producerId(), txn.producerEpoch()));
            } else if (isExpired(txn, nowMs, idExpirationMs)) {
                expired.add(txn.transactionalId());
            }
        }
        return new Plan(timedOut, expired);
    }

    /** Ongoing for longer than its timeout (strictly, as Kafka compares). */
    static boolean isTimedOut(TransactionMetadata txn, long nowMs) {
        return txn.state() == TransactionState.ONGOING && txn.txnStartTimestamp() + txn.txnTimeoutMs() < nowMs;
    }

    /** No transaction in progress and no change for the expiration time. */
    static boolean isExpired(TransactionMetadata txn, long nowMs, long idExpirationMs) {
        return txn.state().isExpirationAllowed() && txn.txnLastUpdateTimestamp() <= nowMs - idExpirationMs;
    }
}
