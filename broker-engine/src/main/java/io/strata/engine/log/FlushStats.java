package io.strata.engine.log;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the logs' fsync passes cost, over every log of a broker (Kafka's {@code LogFlushRateAndTimeMs}): how
 * many passes forced data and how long they took. With the produce byte rate it gives the bytes each fsync
 * covered, i.e. how well group commit batches. Thread-safe; written by the flusher threads.
 */
public final class FlushStats {
    private final LongAdder passes = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    /** One pass of a log's group commit that forced at least one segment, taking {@code elapsedNanos}. */
    void recordPass(long elapsedNanos) {
        passes.increment();
        nanos.add(elapsedNanos);
    }

    public long passes() {
        return passes.sum();
    }

    public long totalNanos() {
        return nanos.sum();
    }
}
