package io.strata.engine.replication;

import io.strata.engine.cluster.Partition;

/**
 * One follower partition assigned to one fetcher, for one leader and leader epoch. Re-targeting replaces the
 * object and cancels the old one, under its monitor, so a response that was in flight for the old
 * assignment is never applied after it.
 */
final class FetchTarget {
    final Partition partition;
    final int leaderId;
    final int leaderEpoch;
    /** Guarded by this. */
    private boolean cancelled;
    /** Fetcher thread only: no fetch before this time (ms) after an error. */
    long notBeforeMs;
    /** The leader's high watermark in the last response (read by the lag metric). */
    volatile long leaderHighWatermark;

    FetchTarget(Partition partition, int leaderId, int leaderEpoch) {
        this.partition = partition;
        this.leaderId = leaderId;
        this.leaderEpoch = leaderEpoch;
    }

    synchronized void cancel() {
        cancelled = true;
    }

    /** Caller holds this object's monitor. */
    boolean isCancelled() {
        return cancelled;
    }
}
