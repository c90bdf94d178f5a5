package io.strata.engine.cluster;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Holds {@link DelayedOperation}s keyed by the partitions they wait on. Appends call
 * {@link #checkAndComplete(TopicPartition)}; the checks and completions run on the request executor,
 * never on the appending thread, so a produce is not slowed by the fetches it wakes. A single timer
 * thread expires operations at their deadline.
 */
public final class DelayedOperationPurgatory implements AutoCloseable {
    private final Executor executor;
    /** Owned and stopped by the broker; the purgatory only schedules deadlines on it. */
    private final ScheduledExecutorService timer;
    private final Map<TopicPartition, Set<DelayedOperation>> watchers = new ConcurrentHashMap<>();

    public DelayedOperationPurgatory(Executor executor, ScheduledExecutorService timer) {
        this.executor = executor;
        this.timer = timer;
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
        }
        if (operation.tryComplete()) {
            unwatch(operation, keys);
            return;
        }
        timer.schedule(() -> executor.execute(() -> {
            operation.forceComplete();
            unwatch(operation, keys);
        }), timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Re-checks the operations waiting on a partition whose data or high watermark moved. */
    public void checkAndComplete(TopicPartition key) {
        Set<DelayedOperation> waiting = watchers.get(key);
        if (waiting == null || waiting.isEmpty()) {
            return;
        }
        executor.execute(() -> {
            for (DelayedOperation operation : waiting) {
                if (operation.isCompleted() || operation.tryComplete()) {
                    waiting.remove(operation);
                }
            }
        });
    }

    public int watched() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    private void unwatch(DelayedOperation operation, Collection<TopicPartition> keys) {
        for (TopicPartition key : keys) {
            Set<DelayedOperation> set = watchers.get(key);
            if (set != null) {
                set.remove(operation);
            }
        }
    }

    /** Completes everything still parked (their responses go out); deadlines that fire later find nothing. */
    @Override
    public void close() {
        for (Set<DelayedOperation> set : watchers.values()) {
            for (DelayedOperation operation : set) {
                operation.forceComplete();
            }
        }
        watchers.clear();
    }
}
