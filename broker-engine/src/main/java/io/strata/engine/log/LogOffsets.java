package io.strata.engine.log;

/**
 * The offsets of one {@link PartitionLog} that readers use without a lock: log start, log end and high watermark.
 *
 * <p>Concurrency: all three are volatile. The log start and the log end are written only under the log's append
 * lock; the log end is written after a batch's bytes and index entries, which publishes the batch to readers. The
 * high watermark moves under its own small lock, so a move is atomic (read-compare-write) without waiting for
 * checkpoint I/O; nothing else is taken while it is held.
 */
final class LogOffsets {
    private final Object highWatermarkLock = new Object();
    private volatile long logStart;
    private volatile long logEnd;
    private volatile long highWatermark;

    LogOffsets(long logStart, long logEnd, long highWatermark) {
        this.logStart = logStart;
        this.logEnd = logEnd;
        this.highWatermark = highWatermark;
    }

    long logStart() {
        return logStart;
    }

    /** Caller holds the append lock. */
    void setLogStart(long offset) {
        logStart = offset;
    }

    long logEnd() {
        return logEnd;
    }

    /** Caller holds the append lock; publishes everything written below {@code offset}. */
    void setLogEnd(long offset) {
        logEnd = offset;
    }

    long highWatermark() {
        return highWatermark;
    }

    /** Moves the high watermark forward, never backwards, clamped to the log end. */
    void advanceHighWatermark(long hw) {
        synchronized (highWatermarkLock) {
            long clamped = Math.min(hw, logEnd);
            if (clamped > highWatermark) {
                highWatermark = clamped;
            }
        }
    }

    /** Truncation: the high watermark may not stay above the new log end {@code end}. */
    void clampHighWatermark(long end) {
        synchronized (highWatermarkLock) {
            highWatermark = Math.min(highWatermark, end);
        }
    }
}
