package io.strata.engine.cluster;

import io.strata.engine.metadata.PartitionMetadata;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A leader's ISR change in flight to the metadata store, at most one per partition, and when the next may be
 * proposed: not while one is in flight, not again on a partition epoch whose compare-and-set already lost
 * (the newer state arrives through the metadata poller), and not before a backoff after a store failure.
 *
 * <p>Thread-safety: proposals come from request threads and the ISR check, outcomes from the ISR thread;
 * the in-flight change is an atomic reference, the rest volatile.
 */
final class PendingIsrChange {
    /** A proposal based on {@code expectedPartitionEpoch}; {@code isr} is the proposed set. */
    private record Proposal(int expectedPartitionEpoch, List<Integer> isr) {
    }

    private final AtomicReference<Proposal> inFlight = new AtomicReference<>();
    private volatile int lostAtEpoch = -1;
    private volatile long retryNotBeforeMs;

    /** Whether a change based on {@code state} may be proposed now. */
    boolean canPropose(PartitionMetadata state, long nowMs) {
        return inFlight.get() == null && lostAtEpoch != state.partitionEpoch() && nowMs >= retryNotBeforeMs;
    }

    /** Claims the slot for a change of {@code state} to {@code isr}; false if another change got there first. */
    boolean begin(PartitionMetadata state, List<Integer> isr) {
        return inFlight.compareAndSet(null, new Proposal(state.partitionEpoch(), List.copyOf(isr)));
    }

    /** Whether the change in flight is the one based on {@code expectedPartitionEpoch}. */
    boolean isInFlight(int expectedPartitionEpoch) {
        Proposal p = inFlight.get();
        return p != null && p.expectedPartitionEpoch() == expectedPartitionEpoch;
    }

    /** The change lost its compare-and-set: none again on that epoch. */
    void lost(int expectedPartitionEpoch) {
        if (isInFlight(expectedPartitionEpoch)) {
            lostAtEpoch = expectedPartitionEpoch;
            inFlight.set(null);
        }
    }

    /** The store could not be reached: proposals resume after the backoff. */
    void failed(int expectedPartitionEpoch, long nowMs, long retryAfterMs) {
        if (isInFlight(expectedPartitionEpoch)) {
            retryNotBeforeMs = nowMs + retryAfterMs;
            inFlight.set(null);
        }
    }

    /** A newer partition state was applied: whatever was in flight or lost is moot. */
    void reset() {
        inFlight.set(null);
        lostAtEpoch = -1;
    }

    /**
     * The members an in-flight change proposes (empty when none is in flight): with the committed ISR, Kafka's
     * maximal ISR. Read on every high watermark check, so it hands out the proposal's list rather than a merged copy.
     */
    List<Integer> proposedIsr() {
        Proposal p = inFlight.get();
        return p == null ? List.of() : p.isr();
    }
}
