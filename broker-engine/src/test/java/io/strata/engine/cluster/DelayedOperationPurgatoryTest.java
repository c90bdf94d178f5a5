package io.strata.engine.cluster;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DelayedOperationPurgatoryTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final AtomicInteger executions = new AtomicInteger();
    private final Executor countingExecutor = task -> {
        executions.incrementAndGet();
        task.run();
    };

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /** Completes once {@link #satisfied} is set; counts its checks. */
    private static final class Probe extends DelayedOperation {
        final AtomicBoolean satisfied = new AtomicBoolean();
        final AtomicInteger checks = new AtomicInteger();
        final AtomicInteger completions = new AtomicInteger();
        private final boolean wakesOnAppend;
        private final Executor checkExecutor;

        Probe(boolean wakesOnAppend) {
            this(wakesOnAppend, null);
        }

        Probe(boolean wakesOnAppend, Executor checkExecutor) {
            this.wakesOnAppend = wakesOnAppend;
            this.checkExecutor = checkExecutor;
        }

        @Override
        public Executor checkExecutor() {
            return checkExecutor;
        }

        @Override
        public boolean wakesOnAppend() {
            return wakesOnAppend;
        }

        @Override
        protected boolean isSatisfied() {
            checks.incrementAndGet();
            return satisfied.get();
        }

        @Override
        protected void onComplete() {
            completions.incrementAndGet();
        }
    }

    @Test
    void anAppendChecksOnlyTheOperationsThatCanUseUncommittedRecords() {
        DelayedOperationPurgatory purgatory = new DelayedOperationPurgatory(countingExecutor, timer);
        Probe consumerFetch = new Probe(false);
        Probe followerFetch = new Probe(true);
        purgatory.tryCompleteElseWatch(consumerFetch, List.of(TP), 60_000);
        purgatory.tryCompleteElseWatch(followerFetch, List.of(TP), 60_000);
        int consumerChecks = consumerFetch.checks.get();
        int followerChecks = followerFetch.checks.get();

        consumerFetch.satisfied.set(true);
        followerFetch.satisfied.set(true);
        purgatory.checkAppended(TP);

        assertThat(followerFetch.completions).hasValue(1);
        assertThat(consumerFetch.checks).hasValue(consumerChecks);
        assertThat(consumerFetch.isCompleted()).isFalse();
        assertThat(followerFetch.checks.get()).isGreaterThan(followerChecks);

        purgatory.checkAndComplete(TP);
        assertThat(consumerFetch.completions).hasValue(1);
        assertThat(followerFetch.completions).hasValue(1);
    }

    @Test
    void anOperationWithItsOwnExecutorIsCheckedAndCompletedThereAndNotOnTheRequestExecutor() {
        DelayedOperationPurgatory purgatory = new DelayedOperationPurgatory(countingExecutor, timer);
        List<Runnable> eventLoopTasks = new java.util.ArrayList<>();
        Probe onEventLoop = new Probe(false, eventLoopTasks::add);
        Probe onRequestThreads = new Probe(false);
        purgatory.tryCompleteElseWatch(onEventLoop, List.of(TP), 60_000);
        purgatory.tryCompleteElseWatch(onRequestThreads, List.of(TP), 60_000);
        onEventLoop.satisfied.set(true);
        onRequestThreads.satisfied.set(true);
        int before = executions.get();

        purgatory.checkAndComplete(TP);

        assertThat(executions).hasValue(before + 1);
        assertThat(onRequestThreads.completions).hasValue(1);
        assertThat(onEventLoop.completions).hasValue(0); // queued, not run inline on the waking thread
        assertThat(eventLoopTasks).hasSize(1);
        eventLoopTasks.get(0).run();
        assertThat(onEventLoop.completions).hasValue(1);
        assertThat(purgatory.watched()).isZero();
    }

    @Test
    void operationsParkedWithTheSameTimeoutInOneTickShareOneTimerTask() {
        DelayedOperationPurgatory purgatory = new DelayedOperationPurgatory(countingExecutor, timer, () -> 1_000);
        for (int i = 0; i < 100; i++) {
            purgatory.tryCompleteElseWatch(new Probe(false), List.of(TP), 500);
        }
        assertThat(timer.getQueue()).hasSize(1);
        assertThat(purgatory.watched()).isEqualTo(100);
    }

    @Test
    void aDeadlineIsRoundedUpToItsTickAndNeverComesEarly() {
        for (long now = 0; now < 50; now += 7) {
            for (long timeout : new long[] {0, 1, 10, 49, 50, 99, 100, 500, 30_000}) {
                long tick = DelayedOperationPurgatory.tick(now, timeout);
                assertThat(tick).isGreaterThanOrEqualTo(now + timeout)
                        .isLessThan(now + timeout + Math.max(1, Math.min(DelayedOperationPurgatory.MAX_TICK_MS,
                                timeout / 50)));
            }
        }
        assertThat(DelayedOperationPurgatory.tick(1_003, 500)).isEqualTo(1_510);
        assertThat(DelayedOperationPurgatory.tick(1_003, 20)).isEqualTo(1_023);
    }

    @Test
    void anExpiredOperationIsCompletedOnTheExecutorAndForgotten() {
        DelayedOperationPurgatory purgatory = new DelayedOperationPurgatory(countingExecutor, timer);
        Probe probe = new Probe(false);
        purgatory.tryCompleteElseWatch(probe, List.of(TP), 20);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(probe.completions).hasValue(1));
        assertThat(executions).hasValue(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> purgatory.watched() == 0);
    }

    @Test
    void anOperationCompletedBeforeItsDeadlineCostsNoExecutorTaskWhenTheDeadlinePasses() {
        DelayedOperationPurgatory purgatory = new DelayedOperationPurgatory(countingExecutor, timer);
        Probe completedEarly = new Probe(false);
        TopicPartition otherPartition = new TopicPartition("t", 1);
        purgatory.tryCompleteElseWatch(completedEarly, List.of(TP, otherPartition), 200);
        completedEarly.satisfied.set(true);
        purgatory.checkAndComplete(TP);
        assertThat(completedEarly.completions).hasValue(1);
        int afterCompletion = executions.get();

        // Watched under the other partition until the deadline forgets it, without an executor task.
        await().atMost(Duration.ofSeconds(10)).until(() -> purgatory.watched() == 0);
        assertThat(executions).hasValue(afterCompletion);
        assertThat(completedEarly.completions).hasValue(1);
    }

    @Test
    void closeCompletesWhatIsStillParked() {
        DelayedOperationPurgatory purgatory = new DelayedOperationPurgatory(countingExecutor, timer);
        Probe probe = new Probe(true);
        Probe watchingNothing = new Probe(false);
        purgatory.tryCompleteElseWatch(probe, List.of(TP), 60_000);
        purgatory.tryCompleteElseWatch(watchingNothing, List.of(), 60_000);
        purgatory.close();
        assertThat(probe.completions).hasValue(1);
        assertThat(watchingNothing.completions).hasValue(1);
        assertThat(purgatory.watched()).isZero();
    }
}
