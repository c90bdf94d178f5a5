package io.strata.engine.log;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class FlushWaitersTest {
    /** A log end the test moves, and a group commit that fsyncs up to it (counting fsyncs). */
    private long logEnd;
    private final FakeGroupCommit groupCommit = new FakeGroupCommit();
    private final FlushWaiters waiters = new FlushWaiters(groupCommit, () -> logEnd);
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final Executor pool = tasks::add;

    private final class FakeGroupCommit implements FlushWaiters.GroupCommit {
        long flushed;
        int fsyncs;
        /** Runs while the fsync is in progress, after it read the log end. */
        Runnable duringFsync = () -> { };
        RuntimeException failure;

        @Override
        public long flushedOffset() {
            return flushed;
        }

        @Override
        public void flushTo(long target, LongSupplier end) {
            if (flushed >= target) {
                return;
            }
            if (failure != null) {
                throw failure;
            }
            long upTo = end.getAsLong();
            fsyncs++;
            duringFsync.run();
            flushed = upTo;
        }
    }

    private void runTasks() {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
        }
    }

    @Test
    void waitersOfOneLogShareOneFlushTaskAndCompleteTogether() {
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            logEnd = i * 10;
            waiting.add(waiters.await(logEnd, pool, Runnable::run));
        }
        assertThat(tasks).as("one task per log, however many waiters").hasSize(1);
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        runTasks();

        assertThat(waiting).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(groupCommit.fsyncs).isEqualTo(1);
        assertThat(tasks).isEmpty();
    }

    @Test
    void aWaiterForDataAlreadyDurableCompletesAtOnceWithoutATask() {
        logEnd = 10;
        groupCommit.flushed = 10;
        assertThat(waiters.await(10, pool, Runnable::run)).isCompleted();
        assertThat(tasks).isEmpty();
    }

    @Test
    void aWaiterArrivingDuringAnFsyncForDataWrittenAfterItStartedGetsTheNextFlush() {
        logEnd = 10;
        CompletableFuture<Void> first = waiters.await(10, pool, Runnable::run);
        List<CompletableFuture<Void>> late = new ArrayList<>();
        groupCommit.duringFsync = () -> {
            groupCommit.duringFsync = () -> { };
            logEnd = 20;
            late.add(waiters.await(20, pool, Runnable::run));
        };

        tasks.poll().run();

        assertThat(first).isCompleted();
        assertThat(late.get(0)).as("written after the fsync read the log end").isNotDone();
        assertThat(tasks).as("the next flush is queued behind other logs' tasks").hasSize(1);
        runTasks();
        assertThat(late.get(0)).isCompleted();
        assertThat(groupCommit.fsyncs).isEqualTo(2);
    }

    @Test
    void aFailedFsyncFailsEveryWaiterWithItsError() {
        logEnd = 10;
        groupCommit.failure = new KafkaStorageException("Log is closed; cannot fsync");
        CompletableFuture<Void> a = waiters.await(5, pool, Runnable::run);
        CompletableFuture<Void> b = waiters.await(10, pool, Runnable::run);

        runTasks();

        assertThat(a).isCompletedExceptionally();
        assertThat(b.handle((ok, e) -> e).join()).isSameAs(groupCommit.failure);
        assertThat(tasks).isEmpty();
    }

    @Test
    void aWaiterBeyondTheLogEndAfterATruncationCompletesOnceEverythingLeftIsDurable() {
        logEnd = 20;
        CompletableFuture<Void> waiting = waiters.await(20, pool, Runnable::run);
        logEnd = 12; // truncated before the flush ran

        runTasks();

        assertThat(waiting).isCompleted();
        assertThat(tasks).as("no fsync loop for data that is gone").isEmpty();
    }

    @Test
    void waitersFailWhenTheFlusherPoolRefusesTheTask() {
        logEnd = 10;
        Executor stopped = task -> {
            throw new RejectedExecutionException("shut down");
        };
        CompletableFuture<Void> waiting = waiters.await(10, stopped, Runnable::run);

        assertThat(waiting.handle((ok, e) -> e).join()).isInstanceOf(KafkaStorageException.class);
        // A later waiter is not stranded behind the refused task.
        assertThat(waiters.await(10, pool, Runnable::run)).isNotDone();
        runTasks();
        assertThat(groupCommit.fsyncs).isEqualTo(1);
    }

    @Test
    void aFlushDeferredUntilTheRestOfTheReadIsAppendedCoversEveryWaiterOfThatRead() {
        Queue<Runnable> afterRead = new ArrayDeque<>();
        logEnd = 10;
        CompletableFuture<Void> first = waiters.await(10, pool, afterRead::add);
        logEnd = 20; // the next pipelined request of the same read
        CompletableFuture<Void> second = waiters.await(20, pool, afterRead::add);
        assertThat(tasks).as("nothing is handed to the pool before the read is done").isEmpty();
        assertThat(afterRead).hasSize(1);

        afterRead.poll().run();
        runTasks();

        assertThat(first).isCompleted();
        assertThat(second).isCompleted();
        assertThat(groupCommit.fsyncs).isEqualTo(1);
    }

    /** A one-thread pool that counts the tasks handed to it. */
    private static final class CountingPool extends ThreadPoolExecutor {
        final java.util.concurrent.atomic.AtomicInteger executed = new java.util.concurrent.atomic.AtomicInteger();

        CountingPool() {
            super(1, 1, 0, java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
        }

        @Override
        public void execute(Runnable task) {
            executed.incrementAndGet();
            super.execute(task);
        }
    }

    @Test
    void aBusyLogKeepsFlushingOnItsThreadWhileNoOtherTaskWaitsForThePool() throws Exception {
        CountingPool flushers = new CountingPool();
        try {
            List<CompletableFuture<Void>> late = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Thread> fsyncThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
            groupCommit.duringFsync = () -> {
                fsyncThreads.add(Thread.currentThread());
                if (late.size() < 3) { // data written during each of the first three fsyncs
                    logEnd += 10;
                    late.add(waiters.await(logEnd, flushers, Runnable::run));
                }
            };
            logEnd = 10;
            CompletableFuture<Void> first = waiters.await(10, flushers, Runnable::run);

            first.get(10, java.util.concurrent.TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().until(() -> late.size() == 3 && late.stream().allMatch(CompletableFuture::isDone));

            assertThat(groupCommit.fsyncs).isEqualTo(4);
            assertThat(flushers.executed).as("one task for all four flushes").hasValue(1);
            assertThat(fsyncThreads).hasSize(4).allMatch(t -> t == fsyncThreads.get(0));
        } finally {
            flushers.shutdown();
        }
    }

    @Test
    void aBusyLogYieldsThePoolToAnotherLogsQueuedTaskBetweenFlushes() throws Exception {
        CountingPool flushers = new CountingPool();
        try {
            List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> otherLog = new CompletableFuture<>();
            List<CompletableFuture<Void>> late = new java.util.concurrent.CopyOnWriteArrayList<>();
            groupCommit.duringFsync = () -> {
                order.add("fsync " + groupCommit.fsyncs);
                if (late.isEmpty()) {
                    // Another log's flush task is queued, and this log gets data for its next flush.
                    flushers.execute(() -> {
                        order.add("other log");
                        otherLog.complete(null);
                    });
                    logEnd = 20;
                    late.add(waiters.await(20, flushers, Runnable::run));
                }
            };
            logEnd = 10;
            waiters.await(10, flushers, Runnable::run);

            org.awaitility.Awaitility.await().until(() -> !late.isEmpty() && late.get(0).isDone() && otherLog.isDone());

            assertThat(order).containsExactly("fsync 1", "other log", "fsync 2");
        } finally {
            flushers.shutdown();
        }
    }
}
