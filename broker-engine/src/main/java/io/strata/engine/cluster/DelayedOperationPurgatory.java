package io.strata.engine.cluster;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Holds {@link DelayedOperation}s keyed by the partitions they wait on. A moved high watermark (and whatever else
 * may complete them) calls {@link #checkAndComplete(TopicPartition)}; an append calls {@link #checkAppended}, which
 * looks only at the operations that can use records before they are committed ({@link DelayedOperation#wakesOnAppend},
 * a follower's fetch): a consumer's fetch parked on a partition cannot complete before the fsync that moves the high
 * watermark, and checking it on every append cost a request-thread wake-up each. The checks and completions run as
 * tasks on the request executor, or on the operation's own {@link DelayedOperation#checkExecutor} (a parked fetch's
 * connection event loop, which writes its response anyway), never inline on the waking thread, so a produce is not
 * slowed by the fetches it wakes.
 *
 * <p>Deadlines share timer tasks: each is rounded up to a tick of a fiftieth of its timeout (1 to 10 ms), and one
 * task per tick expires every operation due then. A timer task per operation woke the timer thread for every parked
 * fetch, and then a request thread to find the fetch long completed; now expiry skips completed operations on the
 * timer thread, and a stream of fetches parking with the same timeout wakes it once per tick.
 *
 * <p>Threading: any thread may watch and check; {@code watchers}, {@code appendWatchers} and {@code due} are
 * concurrent maps, and an operation completes exactly once ({@link DelayedOperation}).
 */
public final class DelayedOperationPurgatory implements AutoCloseable {
    static final long MAX_TICK_MS = 10;

    private record Parked(DelayedOperation operation, Collection<TopicPartition> keys) {
    }

    private final Executor executor;
    /** Owned and stopped by the broker; the purgatory only schedules deadlines on it. */
    private final ScheduledExecutorService timer;
    private final LongSupplier nowMs;
    private final Map<TopicPartition, Set<DelayedOperation>> watchers = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Set<DelayedOperation>> appendWatchers = new ConcurrentHashMap<>();
    /** Parked operations by the tick (absolute ms) they expire at; each tick has one timer task. */
    private final Map<Long, Queue<Parked>> due = new ConcurrentHashMap<>();

    public DelayedOperationPurgatory(Executor executor, ScheduledExecutorService timer) {
        this(executor, timer, () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
    }

    DelayedOperationPurgatory(Executor executor, ScheduledExecutorService timer, LongSupplier nowMs) {
        this.executor = executor;
        this.timer = timer;
        this.nowMs = nowMs;
    }

    /**
     * Parks the operation unless it can complete right away. The check after registering closes the
     * race with an append that lands between the caller's first attempt and the registration.
     */
    public void tryCompleteElseWatch(DelayedOperation operation, Collection<TopicPartition> keys, long timeoutMs) {
        if (operation.tryComplete()) {
            return;
        }
        for (TopicPartition key : keys) {
            watchers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(operation);
            if (operation.wakesOnAppend()) {
                appendWatchers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(operation);
            }
        }
        if (operation.tryComplete()) {
            unwatch(operation, keys);
            return;
        }
        expireAt(tick(nowMs.getAsLong(), timeoutMs), new Parked(operation, keys));
    }

    /** Re-checks the operations waiting on a partition whose high watermark (or leadership, or range) moved. */
    public void checkAndComplete(TopicPartition key) {
        check(watchers.get(key));
    }

    /** Re-checks the operations waiting on a partition that got records not yet committed. */
    public void checkAppended(TopicPartition key) {
        check(appendWatchers.get(key));
    }

    public int watched() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    /** The tick an operation parked at {@code nowMs} with {@code timeoutMs} expires at: never early. */
    static long tick(long nowMs, long timeoutMs) {
        long tick = Math.max(1, Math.min(MAX_TICK_MS, timeoutMs / 50));
        long deadline = nowMs + Math.max(0, timeoutMs);
        return (deadline + tick - 1) / tick * tick;
    }

    private void check(Set<DelayedOperation> waiting) {
        if (waiting == null || waiting.isEmpty()) {
            return;
        }
        boolean shared = false;
        for (DelayedOperation operation : waiting) {
            Executor own = operation.checkExecutor();
            if (own == null) {
                shared = true;
            } else if (!operation.isCompleted()) {
                try {
                    own.execute(() -> check(waiting, operation));
                } catch (RejectedExecutionException e) {
                    executor.execute(() -> check(waiting, operation)); // its connection's event loop has stopped
                }
            } else {
                waiting.remove(operation);
            }
        }
        if (shared) {
            executor.execute(() -> {
                for (DelayedOperation operation : waiting) {
                    if (operation.checkExecutor() == null) {
                        check(waiting, operation);
                    }
                }
            });
        }
    }

    private static void check(Set<DelayedOperation> waiting, DelayedOperation operation) {
        if (operation.isCompleted() || operation.tryComplete()) {
            waiting.remove(operation);
        }
    }

    private void expireAt(long at, Parked parked) {
        boolean[] first = new boolean[1];
        due.compute(at, (k, queue) -> {
            if (queue == null) {
                queue = new ConcurrentLinkedQueue<>();
                first[0] = true;
            }
            queue.add(parked);
            return queue;
        });
        if (first[0]) {
            try {
                timer.schedule(() -> expire(at), Math.max(0, at - nowMs.getAsLong()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The broker is stopping; close() completes what is still parked.
            }
        }
    }

    /** On the timer thread: forgets the tick's operations and completes, on the executor, those still waiting. */
    private void expire(long at) {
        Queue<Parked> queue = due.remove(at);
        if (queue == null) {
            return;
        }
        List<DelayedOperation> expired = new ArrayList<>();
        for (Parked parked : queue) {
            unwatch(parked.operation(), parked.keys());
            if (!parked.operation().isCompleted()) {
                expired.add(parked.operation());
            }
        }
        if (!expired.isEmpty()) {
            try {
                executor.execute(() -> expired.forEach(DelayedOperation::forceComplete));
            } catch (RejectedExecutionException e) {
                // The broker is stopping; close() completes what is still parked.
            }
        }
    }

    private void unwatch(DelayedOperation operation, Collection<TopicPartition> keys) {
        for (TopicPartition key : keys) {
            remove(watchers, key, operation);
            remove(appendWatchers, key, operation);
        }
    }

    private static void remove(Map<TopicPartition, Set<DelayedOperation>> map, TopicPartition key,
                               DelayedOperation operation) {
        Set<DelayedOperation> set = map.get(key);
        if (set != null) {
            set.remove(operation);
        }
    }

    /**
     * Completes everything still parked, also an operation watching no partition that only its deadline would have
     * completed (their responses go out); deadlines that fire later find nothing.
     */
    @Override
    public void close() {
        for (Set<DelayedOperation> set : watchers.values()) {
            for (DelayedOperation operation : set) {
                operation.forceComplete();
            }
        }
        for (Queue<Parked> queue : due.values()) {
            for (Parked parked : queue) {
                parked.operation().forceComplete();
            }
        }
        watchers.clear();
        appendWatchers.clear();
        due.clear();
    }
}
