package io.strata.engine.log.producer;

/**
 * Proof that a transactional producer's batch was verified with its transaction coordinator (KIP-890 part 1): a
 * partition leader obtains a guard from {@link ProducerStateManager#startVerification} before asking the
 * coordinator, and appends the batch with it once the coordinator answered. The producer state keeps the guard
 * until the producer's transaction starts on the partition or a marker ends it; a marker landing between
 * verification and append therefore removes the guard and the append fails (INVALID_TXN_STATE) instead of
 * reopening a transaction the coordinator already ended. Guards compare by identity.
 *
 * <p>Two constants are not guards: {@link #NONE} (nothing was verified: a transactional batch is accepted only if
 * its producer's transaction is already ongoing on the partition) and {@link #UNCHECKED} (verification does not
 * apply: it is disabled, or the writer is a coordinator of this broker). Immutable.
 */
public final class VerificationGuard {
    /** No verification was done: transactional batches must continue an ongoing transaction. */
    public static final VerificationGuard NONE = new VerificationGuard("NONE");
    /** Verification does not apply to this append. */
    public static final VerificationGuard UNCHECKED = new VerificationGuard("UNCHECKED");

    private final String name;

    private VerificationGuard(String name) {
        this.name = name;
    }

    static VerificationGuard create() {
        return new VerificationGuard("guard@" + Integer.toHexString(System.identityHashCode(new Object())));
    }

    /** A guard handed out by a producer state, as opposed to {@link #NONE} or {@link #UNCHECKED}. */
    public boolean isGuard() {
        return this != NONE && this != UNCHECKED;
    }

    @Override
    public String toString() {
        return "VerificationGuard[" + name + "]";
    }
}
