package io.strata.engine.log;

import org.apache.kafka.common.errors.KafkaStorageException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.LongSupplier;

/**
 * Callers of one log waiting, without holding a thread, for offsets to become durable. The first waiter
 * schedules one flush task on the broker's flusher pool; that task fsyncs everything written so far (a
 * {@link LogFlusher} group commit) and completes every waiter it covered at once. Waiters that arrived during
 * the fsync for data written after it started need the next flush: the task goes on with it on its own thread
 * while no other task waits in the pool's queue (a {@link ThreadPoolExecutor}'s; with any other executor it never
 * does), and otherwise queues it behind the other logs' tasks, so one busy partition cannot hold the pool. Going
 * on saves handing every fsync of a busy log to another thread, a wake-up each. At most one task per log is queued
 * or running: a log's fsyncs never wait on each other's monitor, and the pool's threads fsync different logs in
 * parallel.
 *
 * <p>Waiters are completed on the flusher thread, so their continuations must not block.
 *
 * <p>Thread-safety: {@code waiters} and {@code scheduled} are guarded by this object's monitor, which is never
 * held during an fsync, so registering a waiter never waits for one.
 */
final class FlushWaiters {
    /** What the waiters need of the log's fsync ({@link LogFlusher}). */
    interface GroupCommit {
        long flushedOffset();

        /** Returns once everything below {@code target} is fsynced; fsyncs up to {@code logEnd} read under its monitor. */
        void flushTo(long target, LongSupplier logEnd);
    }

    private record Waiter(long target, CompletableFuture<Void> done) {
    }

    private final GroupCommit flusher;
    private final LongSupplier logEnd;
    private final List<Waiter> waiters = new ArrayList<>();
    private boolean scheduled;

    FlushWaiters(GroupCommit flusher, LongSupplier logEnd) {
        this.flusher = flusher;
        this.logEnd = logEnd;
    }

    /**
     * Completes once everything below {@code target} is fsynced, or everything the log holds if it was truncated
     * below {@code target} meanwhile; fails with the fsync's error. {@code flushers} runs the flush task; when this
     * waiter is the one to schedule it, it does so from {@code scheduleVia}, which may defer it (until pipelined
     * requests read with this one are appended too: one fsync then covers them all).
     */
    CompletableFuture<Void> await(long target, Executor flushers, Executor scheduleVia) {
        if (flusher.flushedOffset() >= target) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean schedule;
        synchronized (this) {
            waiters.add(new Waiter(target, done));
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            scheduleVia.execute(() -> schedule(flushers));
        }
        return done;
    }

    private void schedule(Executor pool) {
        try {
            pool.execute(() -> flush(pool));
        } catch (RejectedExecutionException e) {
            finish(new KafkaStorageException("The broker is shutting down; cannot fsync"));
        }
    }

    /** The flush task: flushes while waiters remain and no other task waits for the pool, then queues the next one. */
    private void flush(Executor pool) {
        boolean again;
        do {
            long target = 0;
            synchronized (this) {
                for (Waiter waiter : waiters) {
                    target = Math.max(target, waiter.target());
                }
            }
            RuntimeException failure = null;
            try {
                flusher.flushTo(target, logEnd);
            } catch (RuntimeException e) {
                failure = e;
            }
            again = finish(failure);
        } while (again && !othersWaiting(pool));
        if (again) {
            schedule(pool);
        }
    }

    /** True unless {@code pool} is a running {@link ThreadPoolExecutor} with nothing in its queue. */
    private static boolean othersWaiting(Executor pool) {
        return !(pool instanceof ThreadPoolExecutor threads) || threads.isShutdown() || !threads.getQueue().isEmpty();
    }

    /** Completes the waiters now covered (all of them on failure); true if others remain and a flush is due. */
    private boolean finish(RuntimeException failure) {
        List<Waiter> done = new ArrayList<>();
        boolean again;
        synchronized (this) {
            long durable = flusher.flushedOffset();
            // After a truncation below a waiter's target nothing more can become durable for it.
            boolean all = failure != null || durable >= logEnd.getAsLong();
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (all || w.target() <= durable) {
                    done.add(w);
                    it.remove();
                }
            }
            again = !waiters.isEmpty();
            scheduled = again;
        }
        for (Waiter w : done) {
            if (failure == null) {
                w.done().complete(null);
            } else {
                w.done().completeExceptionally(failure);
            }
        }
        return again;
    }
}
