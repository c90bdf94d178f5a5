package io.strata.engine.txn;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transaction coordinator metrics: open transactions (ongoing or being ended) of the ids this broker coordinates,
 * completed commits and aborts (their rate is the registry's), transaction duration from the first partition to
 * the completion, and transactions aborted for passing their timeout. Thread-safe: counters and the timer are
 * Micrometer's; the open count is an atomic refreshed by the coordinator's timer.
 */
public final class TransactionMetrics {
    private final Counter commits;
    private final Counter aborts;
    private final Counter timedOut;
    private final Timer duration;
    private final AtomicInteger open = new AtomicInteger();

    public TransactionMetrics(MeterRegistry registry) {
        commits = Counter.builder("strata.txn.completed").tag("result", "commit")
                .description("Transactions committed (every marker written)").register(registry);
        aborts = Counter.builder("strata.txn.completed").tag("result", "abort")
                .description("Transactions aborted (every marker written)").register(registry);
        timedOut = Counter.builder("strata.txn.timed.out")
                .description("Transactions aborted by the coordinator for passing transaction.timeout.ms")
                .register(registry);
        duration = Timer.builder("strata.txn.duration")
                .description("From a transaction's first partition to its completion").register(registry);
        Gauge.builder("strata.txn.open", open, AtomicInteger::get)
                .description("Transactions ongoing or being ended at this broker's coordinator").register(registry);
    }

    void completed(boolean commit, long durationMs) {
        (commit ? commits : aborts).increment();
        if (durationMs >= 0) {
            duration.record(Duration.ofMillis(durationMs));
        }
    }

    void timedOut(int count) {
        timedOut.increment(count);
    }

    void setOpen(int count) {
        open.set(count);
    }
}
