package io.strata.engine.coordinator;

import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CoordinatorRuntimeTest {
    private static final int P = 0;

    /** A shard whose state is the list of records it replayed. */
    static final class ListShard implements CoordinatorShard<String> {
        final List<String> committed = new ArrayList<>();
        boolean unloaded;
        /** Set while an operation runs: a second one at the same time would see it. */
        boolean busy;

        @Override
        public void replay(String record) {
            committed.add(record);
        }

        /** Transactional records show as {@code producer:record@offset}, markers as {@code commit:producer}. */
        @Override
        public void replay(long offset, long producerId, short producerEpoch, String record) {
            replay(producerId == RecordBatch.NO_PRODUCER_ID ? record : producerId + ":" + record + "@" + offset);
        }

        @Override
        public void replayEndTransaction(long producerId, short producerEpoch, boolean commit) {
            committed.add((commit ? "commit:" : "abort:") + producerId);
        }

        /** What the shard had replayed when it heard it was loaded; null until then. */
        List<String> atLoaded;

        @Override
        public void onLoaded() {
            atLoaded = List.copyOf(committed);
        }

        @Override
        public void onUnloaded() {
            unloaded = true;
        }
    }

    static final CoordinatorSerde<String> SERDE = new CoordinatorSerde<>() {
        @Override
        public SimpleRecord serialize(String record, long nowMs) {
            return new SimpleRecord(nowMs, record.getBytes(StandardCharsets.UTF_8), null);
        }

        @Override
        public String deserialize(Record record) {
            return new String(Utils.toArray(record.key()), StandardCharsets.UTF_8);
        }
    };

    private final FakeCoordinatorLog log = new FakeCoordinatorLog();
    private final List<ListShard> shards = new ArrayList<>();
    private ExecutorService pool;
    private CoordinatorRuntime<ListShard, String> runtime;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** A runtime running everything on the test thread, leading partition {@code P} at epoch 1. */
    private CoordinatorRuntime<ListShard, String> inlineRuntime() {
        runtime = runtime(Runnable::run);
        log.lead(P, 1);
        runtime.onLeadershipChanged(P, true, 1);
        return runtime;
    }

    private CoordinatorRuntime<ListShard, String> runtime(java.util.concurrent.Executor threads) {
        return new CoordinatorRuntime<>("__test", log, SERDE, p -> {
            ListShard shard = new ListShard();
            synchronized (shards) {
                shards.add(shard);
            }
            return shard;
        }, threads, Runnable::run, new ManualTime(0), 5_000);
    }

    private CompletableFuture<String> write(String... records) {
        return runtime.scheduleWrite(P, shard -> new CoordinatorResult<>(List.of(records), "wrote " + records.length));
    }

    private List<String> committed() {
        return runtime.scheduleRead(P, shard -> List.copyOf(shard.committed)).join();
    }

    @Test
    void aWriteIsAnsweredOnlyOnceTheHighWatermarkCoversItsRecords() {
        inlineRuntime();

        CompletableFuture<String> first = write("a", "b");
        CompletableFuture<String> second = write("c");

        assertThat(first).isNotDone();
        assertThat(committed()).as("reads see committed state only").isEmpty();
        log.advanceHighWatermark(P, 1); // covers "a" but not the whole first batch
        assertThat(first).isNotDone();
        log.advanceHighWatermark(P, 2);
        assertThat(first).isCompletedWithValue("wrote 2");
        assertThat(second).isNotDone();
        assertThat(committed()).containsExactly("a", "b");
        log.advanceHighWatermark(P, 3);
        assertThat(second).isCompletedWithValue("wrote 1");
        assertThat(committed()).containsExactly("a", "b", "c");
    }

    @Test
    void transactionalRecordsAndMarkersAreReplayedInLogOrderOnceCommittedAndAgainOnLoad() {
        inlineRuntime();
        write("a");
        CompletableFuture<String> txn = runtime.scheduleWrite(P, shard ->
                CoordinatorResult.transactional(7, (short) 0, List.of("t1", "t2"), "txn"));
        CompletableFuture<Void> marker = runtime.scheduleTransactionCompletion(P, 7, (short) 0, 0, true);
        write("b");

        log.advanceHighWatermark(P, 3);
        assertThat(txn).isCompletedWithValue("txn");
        assertThat(marker).as("the marker is not committed yet").isNotDone();
        assertThat(committed()).containsExactly("a", "7:t1@1", "7:t2@2");
        log.advanceHighWatermark(P, 4);
        assertThat(marker).isCompleted();
        assertThat(committed()).containsExactly("a", "7:t1@1", "7:t2@2", "commit:7");

        runtime.scheduleTransactionCompletion(P, 8, (short) 0, 0, false); // offset 5, after "b" at 4
        log.advanceHighWatermark(P, 5); // "b" committed, the abort marker not yet
        log.lead(P, 2);
        runtime.onLeadershipChanged(P, true, 2);
        assertThat(committed()).as("reloaded: the committed prefix").containsExactly("a", "7:t1@1", "7:t2@2",
                "commit:7", "b");
        log.advanceHighWatermark(P, 6);
        assertThat(committed()).as("the uncommitted tail, once committed").endsWith("b", "abort:8");
    }

    @Test
    void aWriteWithoutRecordsIsAnsweredAtOnce() {
        inlineRuntime();

        assertThat(runtime.scheduleWrite(P, shard -> CoordinatorResult.of("nothing"))).isCompletedWithValue("nothing");
    }

    @Test
    void aFailedAppendLeavesTheShardAtItsLastCommittedStateAndTheNextWriteWorks() {
        inlineRuntime();
        write("a");
        log.advanceHighWatermark(P, 1);
        log.failNextAppend(new NotEnoughReplicasException("ISR too small"));

        CompletableFuture<String> failed = write("lost");

        assertThat(failed).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(CoordinatorNotAvailableException.class);
        assertThat(committed()).containsExactly("a");
        CompletableFuture<String> next = write("b");
        log.advanceHighWatermark(P, 2);
        assertThat(next).isCompletedWithValue("wrote 1");
        assertThat(committed()).containsExactly("a", "b");
    }

    @Test
    void anOperationThatThrowsWritesNothingAndFailsWithItsError() {
        inlineRuntime();

        CompletableFuture<String> refused = runtime.scheduleWrite(P, shard -> {
            throw new org.apache.kafka.common.errors.GroupIdNotFoundException("no such group");
        });

        assertThat(refused).isCompletedExceptionally();
        assertThat(log.logEndOffset(P)).isZero();
    }

    @Test
    void losingLeadershipFailsPendingWritesAndDropsTheUncommittedState() {
        inlineRuntime();
        write("a");
        log.advanceHighWatermark(P, 1);
        CompletableFuture<String> pending = write("uncommitted");

        log.resign(P);
        runtime.onLeadershipChanged(P, false, 1);

        assertThat(pending).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(NotCoordinatorException.class);
        assertThat(shards.get(0).unloaded).isTrue();
        assertThat(runtime.scheduleRead(P, shard -> shard.committed)).isCompletedExceptionally();
        assertThat(runtime.servedPartitions()).isEmpty();
    }

    @Test
    void aShardLoadedAgainReplaysTheCommittedLogAndHoldsBackWhatIsNotCommittedYet() {
        inlineRuntime();
        write("a", "b");
        log.advanceHighWatermark(P, 2);
        write("c"); // appended, not committed, when leadership moves away and back
        log.resign(P);
        runtime.onLeadershipChanged(P, false, 1);

        log.lead(P, 2);
        runtime.onLeadershipChanged(P, true, 2);

        assertThat(shards).hasSize(2);
        assertThat(committed()).containsExactly("a", "b");
        log.advanceHighWatermark(P, 3);
        assertThat(committed()).containsExactly("a", "b", "c");
    }

    @Test
    void writesWaitUntilTheUncommittedTailFoundAtLoadIsCommitted() {
        inlineRuntime();
        write("a");
        log.advanceHighWatermark(P, 1);
        write("b"); // in the log, not committed, when leadership moves away and back
        log.resign(P);
        runtime.onLeadershipChanged(P, false, 1);
        log.lead(P, 2);
        runtime.onLeadershipChanged(P, true, 2);

        assertThat(write("c")).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(org.apache.kafka.common.errors.CoordinatorLoadInProgressException.class);
        log.advanceHighWatermark(P, 2);
        assertThat(committed()).containsExactly("a", "b");
        CompletableFuture<String> next = write("c");
        log.advanceHighWatermark(P, 3);
        assertThat(next).isCompletedWithValue("wrote 1");
        assertThat(committed()).containsExactly("a", "b", "c");
    }

    @Test
    void aShardHearsItIsLoadedOnlyOnceTheUncommittedTailFoundAtLoadIsReplayed() {
        // A transaction coordinator told "loaded" on the committed prefix would resend the markers of a transaction
        // that its tail completes, and those markers would land in the producer's next transaction.
        inlineRuntime();
        write("prepare");
        log.advanceHighWatermark(P, 1);
        write("complete"); // replicated but not yet committed when the leader dies
        log.resign(P);
        runtime.onLeadershipChanged(P, false, 1);
        log.lead(P, 2);
        runtime.onLeadershipChanged(P, true, 2);

        ListShard reloaded = shards.get(1);
        assertThat(committed()).containsExactly("prepare");
        assertThat(reloaded.atLoaded).as("not loaded while its tail is uncommitted").isNull();
        log.advanceHighWatermark(P, 2);
        assertThat(reloaded.atLoaded).containsExactly("prepare", "complete");
    }

    @Test
    void aShardWithoutAnUncommittedTailIsLoadedAtOnce() {
        inlineRuntime();
        assertThat(shards.get(0).atLoaded).isEmpty();
    }

    @Test
    void aLeadershipNoticeForTheEpochAlreadyLoadedDoesNotReload() {
        inlineRuntime();
        write("a");
        log.advanceHighWatermark(P, 1);

        runtime.onLeadershipChanged(P, true, 1);

        assertThat(shards).hasSize(1);
        assertThat(committed()).containsExactly("a");
    }

    @Test
    void requestsDuringALoadGetLoadInProgressAndOthersNotCoordinator() {
        List<Runnable> held = new ArrayList<>();
        AtomicBoolean holding = new AtomicBoolean(true);
        runtime = runtime(task -> {
            if (holding.get()) {
                held.add(task);
            } else {
                task.run();
            }
        });
        log.lead(P, 1);

        runtime.onLeadershipChanged(P, true, 1);

        assertThat(runtime.isLoading()).isTrue();
        assertThat(runtime.scheduleRead(P, shard -> "x")).failsWithin(Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(CoordinatorLoadInProgressException.class);
        assertThat(runtime.scheduleRead(1, shard -> "x")).failsWithin(Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(NotCoordinatorException.class);
        holding.set(false);
        held.forEach(Runnable::run);
        assertThat(runtime.isLoading()).isFalse();
        assertThat(runtime.scheduleRead(P, shard -> "x")).isCompletedWithValue("x");
    }

    @Test
    void aWriteWhoseCommitWaitTimesOutFailsButIsAppliedIfItCommitsLater() {
        inlineRuntime();
        CompletableFuture<String> slow = write("late");

        log.expireWaits();

        assertThat(slow).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(CoordinatorNotAvailableException.class);
        assertThat(committed()).isEmpty();
        log.advanceHighWatermark(P, 1);
        assertThat(committed()).containsExactly("late");
    }

    @Test
    void operationsOfOnePartitionNeverOverlapAndRunInOrderWhileOtherPartitionsProceed() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        runtime = runtime(pool);
        log.autoCommit();
        for (int p = 0; p < 2; p++) {
            log.lead(p, 1);
            runtime.onLeadershipChanged(p, true, 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !runtime.isLoading());
        AtomicBoolean overlapped = new AtomicBoolean();
        List<CompletableFuture<String>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String record = Integer.toString(i);
            writes.add(runtime.scheduleWrite(P, shard -> {
                if (shard.busy) {
                    overlapped.set(true);
                }
                shard.busy = true;
                Thread.onSpinWait();
                shard.busy = false;
                return new CoordinatorResult<>(List.of(record), record);
            }));
        }
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> blocking = runtime.scheduleRead(1, shard -> {
            blocked.countDown();
            awaitQuietly(release);
            return "released";
        });
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        release.countDown();

        assertThat(blocking.get(10, TimeUnit.SECONDS)).isEqualTo("released");
        assertThat(overlapped).isFalse();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add(Integer.toString(i));
        }
        assertThat(runtime.scheduleRead(P, shard -> List.copyOf(shard.committed)).get(10, TimeUnit.SECONDS))
                .containsExactlyElementsOf(expected);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
