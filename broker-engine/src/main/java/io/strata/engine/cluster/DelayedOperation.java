package io.strata.engine.cluster;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request parked until a condition holds or a deadline passes (long-poll fetch now; acks=all
 * produce once replication lands). Completion happens exactly once, whichever of
 * {@link #tryComplete()} and expiry wins the race.
 */
public abstract class DelayedOperation {
    private final AtomicBoolean completed = new AtomicBoolean();

    /** Checks the condition and completes if it holds; returns true if this call completed it. */
    public final boolean tryComplete() {
        if (completed.get() || !isSatisfied()) {
            return false;
        }
        return forceComplete();
    }

    /** Completes now regardless of the condition; false if it was already completed. */
    public final boolean forceComplete() {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        onComplete();
        return true;
    }

    public final boolean isCompleted() {
        return completed.get();
    }

    /**
     * Whether records appended but not yet committed can complete this operation (a follower's fetch), so that the
     * purgatory checks it on every append and not only when the high watermark moves.
     */
    public boolean wakesOnAppend() {
        return false;
    }

    /**
     * Where the purgatory runs this operation's checks, and so its completion, when woken; null for the purgatory's
     * request executor. Checks run there as tasks, never inline on the waking thread.
     */
    public Executor checkExecutor() {
        return null;
    }

    /** Whether the operation can complete now. Called from many threads; must be thread-safe. */
    protected abstract boolean isSatisfied();

    /** Builds and sends the response. Called exactly once. */
    protected abstract void onComplete();
}
