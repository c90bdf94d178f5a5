package io.strata.engine.coordinator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the tasks given to it one at a time, in submission order, on a shared pool: one per coordinator
 * partition, so partitions progress in parallel on a few threads and each partition's tasks never overlap.
 * A run drains at most {@link #BATCH} tasks before it yields its pool thread to other partitions.
 *
 * <p>Thread-safety: {@code queue} and {@code scheduled} are guarded by this object's monitor, held only to
 * enqueue and dequeue, never while a task runs. Memory effects of one task are visible to the next (they are
 * ordered by that monitor).
 */
final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
    private static final int BATCH = 64;

    private final Executor pool;
    private final String name;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean scheduled;

    SerialExecutor(Executor pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            queue.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        submit();
    }

    private void submit() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) { // the pool is stopping: the broker is shutting down
                log.debug("{}: dropping {} task(s), the coordinator pool is stopped", name, queue.size());
                queue.clear();
                scheduled = false;
            }
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Runnable task;
            synchronized (this) {
                task = queue.poll();
                if (task == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (Throwable e) { // never leave the partition wedged with scheduled set
                log.error("{}: coordinator task failed", name, e);
            }
        }
        submit(); // more queued: go to the back of the pool's queue
    }
}
