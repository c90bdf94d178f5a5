package io.strata.engine.txn;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * States of a transactional id at its coordinator, with the ids persisted in {@code __transaction_state} (the
 * {@code TransactionStatus} byte) and the names DescribeTransactions and ListTransactions report, both as Kafka
 * has them. {@link #VALID_PREVIOUS} is the state machine: a state may only be entered from the states listed
 * for it ({@link #checkTransitionFrom} throws otherwise). Immutable, so safe on any thread.
 */
public enum TransactionState {
    /** No transaction in progress: after InitProducerId, or once a transaction's markers are written. */
    EMPTY(0, "Empty", true),
    /** Partitions or offsets were added; EndTxn moves it on, a timeout aborts it. */
    ONGOING(1, "Ongoing", false),
    /** EndTxn(commit) is logged; the commit markers are being written. */
    PREPARE_COMMIT(2, "PrepareCommit", false),
    /** EndTxn(abort), a timeout or a fencing InitProducerId is logged; the abort markers are being written. */
    PREPARE_ABORT(3, "PrepareAbort", false),
    /** Every partition has its commit marker. */
    COMPLETE_COMMIT(4, "CompleteCommit", true),
    /** Every partition has its abort marker. */
    COMPLETE_ABORT(5, "CompleteAbort", true),
    /** The transactional id expired and is being removed (a tombstone, never a persisted state). */
    DEAD(6, "Dead", false),
    /** An ongoing transaction's producer is being fenced with a bumped epoch before its abort. */
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence", false);

    /**
     * Legal previous states of each state. PREPARE_ABORT may follow EMPTY and COMPLETE_* because a
     * transaction-version-2 client may abort a transaction to which no partition was added yet (the producer
     * epoch is still bumped); every other row is KIP-98's.
     */
    public static final Map<TransactionState, Set<TransactionState>> VALID_PREVIOUS;

    static {
        EnumMap<TransactionState, Set<TransactionState>> table = new EnumMap<>(TransactionState.class);
        table.put(EMPTY, EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT));
        table.put(ONGOING, EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT));
        table.put(PREPARE_COMMIT, EnumSet.of(ONGOING));
        table.put(PREPARE_ABORT, EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT));
        table.put(COMPLETE_COMMIT, EnumSet.of(PREPARE_COMMIT));
        table.put(COMPLETE_ABORT, EnumSet.of(PREPARE_ABORT));
        table.put(DEAD, EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT));
        table.put(PREPARE_EPOCH_FENCE, EnumSet.of(ONGOING));
        table.replaceAll((state, previous) -> Collections.unmodifiableSet(previous));
        VALID_PREVIOUS = Collections.unmodifiableMap(table);
    }

    private final byte id;
    private final String displayName;
    private final boolean expirationAllowed;

    TransactionState(int id, String displayName, boolean expirationAllowed) {
        this.id = (byte) id;
        this.displayName = displayName;
        this.expirationAllowed = expirationAllowed;
    }

    /** The {@code TransactionStatus} byte persisted in {@code __transaction_state}. */
    public byte id() {
        return id;
    }

    /** The name DescribeTransactions and ListTransactions report (and ListTransactions filters by). */
    public String displayName() {
        return displayName;
    }

    /** Whether an id idle in this state may expire after {@code transactional.id.expiration.ms}. */
    public boolean isExpirationAllowed() {
        return expirationAllowed;
    }

    public Set<TransactionState> validPreviousStates() {
        return VALID_PREVIOUS.get(this);
    }

    /** Whether a transaction is in flight: partitions may hold its data and markers may still be owed. */
    public boolean isTransactionPending() {
        return this == ONGOING || this == PREPARE_COMMIT || this == PREPARE_ABORT || this == PREPARE_EPOCH_FENCE;
    }

    /** Throws {@link IllegalStateException} unless this state may be entered from {@code previous}. */
    public void checkTransitionFrom(TransactionState previous) {
        if (!validPreviousStates().contains(previous)) {
            throw new IllegalStateException("Illegal transaction state transition from " + previous + " to " + this
                    + "; " + this + " may only follow " + validPreviousStates());
        }
    }

    /** The state with this persisted id; unknown ids are corrupt records, reported as IllegalArgumentException. */
    public static TransactionState fromId(byte id) {
        for (TransactionState state : values()) {
            if (state.id == id) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown transaction state id " + id);
    }

    /** The state with this display name (ListTransactions' state filter), if any. */
    public static Optional<TransactionState> fromDisplayName(String name) {
        for (TransactionState state : values()) {
            if (state.displayName.equals(name)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
