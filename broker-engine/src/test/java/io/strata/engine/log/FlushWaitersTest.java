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
}
