package io.strata.engine.coordinator;

import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Runs a coordinator over the partitions of its internal topic that this broker leads: one {@link CoordinatorShard}
 * per led partition, loaded from the log when this broker becomes its leader and dropped when it stops being it.
 *
 * <p>Operations: a write runs against the shard and returns records plus a response
 * ({@link CoordinatorResult}); the records are appended as one batch and the response completes once the
 * partition's high watermark covers them (or fails with NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, ...). A read
 * returns a value and writes nothing.
 *
 * <p>Committed state only: a write's records are kept apart in the partition's queue of pending writes and
 * replayed into the shard only once the high watermark covers them, in log order. So the shard's persisted state
 * is always the committed prefix of the log: reads see only committed state, and when an append fails (nothing
 * was written) or leadership is lost (the shard is dropped; the next leader loads the log) there is nothing to
 * revert. Transactional writes ({@link CoordinatorResult#transactional}) are appended as transactional batches
 * and transaction markers ({@link #scheduleTransactionCompletion}) go through the same queue, so a shard replays
 * records and markers in log order, both live and when loading. A write whose commit wait times out fails with COORDINATOR_NOT_AVAILABLE but stays queued: its records
 * are in the log and are replayed if they commit later. Transient state a shard keeps outside its records (parked
 * requests, timers) is the shard's own; it can react to a failed write with a follow-up operation. Records found
 * above the high watermark at load (a crash before they committed) are made durable and awaited like a write;
 * until they commit, writes to the partition get COORDINATOR_LOAD_IN_PROGRESS (reads see the committed state), and
 * the shard hears {@link CoordinatorShard#onLoaded} only after they are replayed, so nothing it starts on load (a
 * transaction's markers) acts on a state its tail supersedes.
 *
 * <p>Threads: each partition's operations, loads, unloads and commit steps run one at a time on its
 * {@link SerialExecutor} over the shared coordinator pool ({@code group.coordinator.threads}-style, created and
 * stopped by the broker); there is no thread per partition. Shards, their pending queues and
 * {@link Incarnation}s are confined to their partition's executor (the current incarnation is published
 * through a volatile field). fsync ({@link CoordinatorLog#makeDurable}) and
 * the wait for the high watermark run on {@code completions} (the request pool) and the purgatory, never on a shard
 * thread; responses complete on {@code completions}, so no network code runs on a shard thread. The
 * {@code contexts} map is concurrent; {@code PartitionContext.loading} is volatile (read by request threads).
 * No locks are held while calling into shards or the log.
 */
public final class CoordinatorRuntime<S extends CoordinatorShard<R>, R> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorRuntime.class);

    private final String topic;
    private final CoordinatorLog coordinatorLog;
    private final CoordinatorSerde<R> serde;
    private final IntFunction<S> shardFactory;
    private final Executor pool;
    private final Executor completions;
    private final Time time;
    private final long writeTimeoutMs;
    private final Map<Integer, PartitionContext> contexts = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param topic          the internal topic, for messages
     * @param shardFactory   creates an empty shard for a partition about to be loaded
     * @param pool           the shared coordinator threads
     * @param completions    where fsyncs run and responses complete (the request pool)
     * @param writeTimeoutMs how long a write's response waits for the high watermark
     */
    public CoordinatorRuntime(String topic, CoordinatorLog coordinatorLog, CoordinatorSerde<R> serde,
                              IntFunction<S> shardFactory, Executor pool, Executor completions, Time time,
                              long writeTimeoutMs) {
        this.topic = topic;
        this.coordinatorLog = coordinatorLog;
        this.serde = serde;
        this.shardFactory = shardFactory;
        this.pool = pool;
        this.completions = completions;
        this.time = time;
        this.writeTimeoutMs = writeTimeoutMs;
    }

    /** One partition's executor and its current shard, if this broker leads it. Lives as long as the runtime. */
    private final class PartitionContext {
        final int partition;
        final SerialExecutor executor;
        /** Written on the executor only; null while this broker does not lead the partition (or its load failed). */
        volatile Incarnation current;
        /** Set when leadership is gained, cleared when the load ends: requests get COORDINATOR_LOAD_IN_PROGRESS. */
        volatile boolean loading;

        PartitionContext(int partition) {
            this.partition = partition;
            this.executor = new SerialExecutor(pool, topic + "-" + partition);
        }
    }

    /** A shard loaded for one leader epoch, with its writes not yet committed (oldest first). */
    private final class Incarnation {
        final int leaderEpoch;
        final S shard;
        final java.util.ArrayDeque<PendingWrite<?>> pending = new java.util.ArrayDeque<>();
        /**
         * Records found above the high watermark at load, until they commit: operations wait for them
         * (COORDINATOR_LOAD_IN_PROGRESS), since they would otherwise run on a state those records are about to change.
         */
        PendingWrite<Void> loadTail;

        boolean awaitingLoadTail() {
            if (loadTail != null && !pending.contains(loadTail)) {
                loadTail = null;
            }
            return loadTail != null;
        }

        Incarnation(int leaderEpoch, S shard) {
            this.leaderEpoch = leaderEpoch;
            this.shard = shard;
        }
    }

    /**
     * Appended entries awaiting the high watermark, with how to apply them to the shard once committed (records,
     * a transaction marker, or a mix of both for the tail found uncommitted at load); {@code response} is null for
     * that tail.
     */
    private final class PendingWrite<T> {
        final long endOffset;
        final Consumer<S> replay;
        final T value;
        final CompletableFuture<T> response;
        /** Already failed to its writer (committed below min ISR); the commit then only replays. Shard thread. */
        boolean answered;

        PendingWrite(long endOffset, Consumer<S> replay, T value, CompletableFuture<T> response) {
            this.endOffset = endOffset;
            this.replay = replay;
            this.value = value;
            this.response = response;
        }
    }

    /** Replays a batch's records, which sit at the offsets just below {@code endOffset}, into a shard. */
    private Consumer<S> recordsReplay(List<R> records, long endOffset, CoordinatorResult.Transactional txn) {
        long base = endOffset - records.size();
        long producerId = txn == null ? RecordBatch.NO_PRODUCER_ID : txn.producerId();
        short producerEpoch = txn == null ? RecordBatch.NO_PRODUCER_EPOCH : txn.producerEpoch();
        return shard -> {
            for (int i = 0; i < records.size(); i++) {
                shard.replay(base + i, producerId, producerEpoch, records.get(i));
            }
        };
    }

    // ---- operations ----

    /** Runs {@code op} on the partition's shard; its response completes once its records are committed. */
    public <T> CompletableFuture<T> scheduleWrite(int partition, Function<S, CoordinatorResult<R, T>> op) {
        return schedule(partition, op, false);
    }

    /**
     * Ends {@code producerId}'s transaction on the partition (WriteTxnMarkers for a coordinator partition, as Kafka's
     * scheduleTransactionCompletion): appends the commit or abort marker in order with the shard's own writes and,
     * once the high watermark covers it, replays it ({@link CoordinatorShard#replayEndTransaction}) and completes.
     * Fails with the partition's refusal (INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED, ...) or as
     * writes do (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS).
     */
    public CompletableFuture<Void> scheduleTransactionCompletion(int partition, long producerId, short producerEpoch,
                                                                 int coordinatorEpoch, boolean commit) {
        CompletableFuture<Void> response = new CompletableFuture<>();
        PartitionContext ctx = contextIfServed(partition, response);
        if (ctx != null) {
            ctx.executor.execute(() -> runMarkerWrite(ctx, producerId, producerEpoch, coordinatorEpoch, commit, response));
        }
        return response;
    }

    private void runMarkerWrite(PartitionContext ctx, long producerId, short producerEpoch, int coordinatorEpoch,
                                boolean commit, CompletableFuture<Void> response) {
        Incarnation inc = ctx.current;
        if (inc == null) {
            fail(response, ctx.loading ? new CoordinatorLoadInProgressException("Loading " + topic + "-" + ctx.partition)
                    : notCoordinator(ctx.partition));
            return;
        }
        CoordinatorLog.Appended appended;
        try {
            appended = coordinatorLog.appendEndTransactionMarker(ctx.partition, producerId, producerEpoch,
                    coordinatorEpoch, commit, time.milliseconds());
        } catch (RuntimeException e) {
            log.debug("The {} marker of producer {} on {}-{} was refused", commit ? "commit" : "abort", producerId,
                    topic, ctx.partition, e);
            fail(response, CoordinatorErrors.forAppendFailure(e));
            return;
        }
        PendingWrite<Void> write = new PendingWrite<>(appended.endOffset(),
                shard -> shard.replayEndTransaction(producerId, producerEpoch, commit), null, response);
        inc.pending.addLast(write);
        completions.execute(() -> makeDurableThenAwait(ctx, inc, write));
    }

    /** Runs {@code op} on the partition's shard, which holds committed state only; nothing is written. */
    public <T> CompletableFuture<T> scheduleRead(int partition, Function<S, T> op) {
        return schedule(partition, shard -> CoordinatorResult.of(op.apply(shard)), true);
    }

    private <T> CompletableFuture<T> schedule(int partition, Function<S, CoordinatorResult<R, T>> op, boolean read) {
        CompletableFuture<T> response = new CompletableFuture<>();
        PartitionContext ctx = contextIfServed(partition, response);
        if (ctx != null) {
            ctx.executor.execute(() -> runWrite(ctx, op, response, read));
        }
        return response;
    }

    /** Schedules {@code op} on every partition served now; partitions that stop being served meanwhile fail theirs. */
    public <T> List<CompletableFuture<T>> scheduleWriteAll(Function<S, CoordinatorResult<R, T>> op) {
        List<CompletableFuture<T>> all = new ArrayList<>();
        for (int partition : servedPartitions()) {
            all.add(scheduleWrite(partition, op));
        }
        return all;
    }

    /** Partitions this broker leads and has loaded or is loading. */
    public Set<Integer> servedPartitions() {
        Set<Integer> served = new java.util.TreeSet<>();
        contexts.forEach((p, ctx) -> {
            if (ctx.loading || ctx.current != null) {
                served.add(p);
            }
        });
        return served;
    }

    /** Whether some partition is still being loaded. */
    public boolean isLoading() {
        return contexts.values().stream().anyMatch(ctx -> ctx.loading);
    }

    private PartitionContext contextIfServed(int partition, CompletableFuture<?> response) {
        PartitionContext ctx = contexts.get(partition);
        if (closed || ctx == null) {
            response.completeExceptionally(notCoordinator(partition));
            return null;
        }
        if (ctx.loading) {
            response.completeExceptionally(new CoordinatorLoadInProgressException("Loading " + topic + "-" + partition));
            return null;
        }
        return ctx;
    }

    private <T> void runWrite(PartitionContext ctx, Function<S, CoordinatorResult<R, T>> op,
                              CompletableFuture<T> response, boolean read) {
        Incarnation inc = ctx.current;
        if (inc == null) {
            fail(response, ctx.loading ? new CoordinatorLoadInProgressException("Loading " + topic + "-" + ctx.partition)
                    : notCoordinator(ctx.partition));
            return;
        }
        if (!read && inc.awaitingLoadTail()) {
            fail(response, new CoordinatorLoadInProgressException("Loading " + topic + "-" + ctx.partition
                    + ": waiting for its uncommitted tail to commit"));
            return;
        }
        CoordinatorResult<R, T> result;
        try {
            result = op.apply(inc.shard);
        } catch (RuntimeException e) {
            fail(response, e); // the operation refused (an API error) or has a bug; it wrote nothing
            return;
        }
        if (result.records().isEmpty()) {
            complete(response, result.response());
            return;
        }
        CoordinatorLog.Appended appended;
        try {
            long now = time.milliseconds();
            List<SimpleRecord> encoded = new ArrayList<>(result.records().size());
            result.records().forEach(r -> encoded.add(serde.serialize(r, now)));
            CoordinatorResult.Transactional txn = result.transactional();
            appended = txn == null ? coordinatorLog.append(ctx.partition, encoded)
                    : coordinatorLog.appendTransactional(ctx.partition, txn.producerId(), txn.producerEpoch(), encoded);
        } catch (RuntimeException e) {
            log.warn("Append to {}-{} failed; its shard keeps its committed state", topic, ctx.partition, e);
            fail(response, CoordinatorErrors.forAppendFailure(e));
            return;
        }
        PendingWrite<T> write = new PendingWrite<>(appended.endOffset(),
                recordsReplay(result.records(), appended.endOffset(), result.transactional()), result.response(), response);
        inc.pending.addLast(write);
        completions.execute(() -> makeDurableThenAwait(ctx, inc, write));
    }

    /** Off the shard thread: fsync per the flush policy, then wait for the high watermark. */
    private void makeDurableThenAwait(PartitionContext ctx, Incarnation inc, PendingWrite<?> write) {
        try {
            coordinatorLog.makeDurable(ctx.partition, write.endOffset);
        } catch (RuntimeException e) {
            log.error("Making {}-{} durable failed", topic, ctx.partition, e); // the wait below times out
        }
        awaitCommitted(ctx, inc, write);
    }

    private void awaitCommitted(PartitionContext ctx, Incarnation inc, PendingWrite<?> write) {
        coordinatorLog.awaitCommitted(ctx.partition, inc.leaderEpoch, write.endOffset, writeTimeoutMs)
                .whenComplete((error, failure) -> ctx.executor.execute(() ->
                        onCommitWaitEnded(ctx, inc, write, failure != null ? Errors.NOT_COORDINATOR : error)));
    }

    /** On the shard thread: commits what the high watermark covers, or tells the write's caller why not. */
    private void onCommitWaitEnded(PartitionContext ctx, Incarnation inc, PendingWrite<?> write, Errors error) {
        if (ctx.current != inc) {
            return; // unloaded: its pending writes were failed then
        }
        if (error == Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND && write.response != null && !write.answered) {
            // Committed all the same, so the state follows the log below; only the writer hears of the ISR.
            write.answered = true;
            fail(write.response, new CoordinatorNotAvailableException("The write to " + topic + "-" + ctx.partition
                    + " is committed on fewer replicas than min.insync.replicas"));
        }
        commitUpTo(ctx, inc, coordinatorLog.highWatermark(ctx.partition));
        if (error == Errors.NONE || !inc.pending.contains(write)) {
            return;
        }
        if (error == Errors.NOT_COORDINATOR) {
            if (write.response != null) {
                fail(write.response, notCoordinator(ctx.partition)); // the leadership change unloads the shard
            }
            return;
        }
        if (write.response != null) {
            fail(write.response, new CoordinatorNotAvailableException("The write to " + topic + "-" + ctx.partition
                    + " was not replicated within " + writeTimeoutMs + " ms"));
        }
        awaitCommitted(ctx, inc, write); // still in the log: replayed if it commits later
    }

    private void commitUpTo(PartitionContext ctx, Incarnation inc, long highWatermark) {
        while (!inc.pending.isEmpty() && inc.pending.peekFirst().endOffset <= highWatermark) {
            PendingWrite<?> write = inc.pending.pollFirst();
            try {
                write.replay.accept(inc.shard);
            } catch (RuntimeException e) {
                log.error("Replaying a committed write of {}-{} failed", topic, ctx.partition, e);
            }
            completePending(write);
        }
    }

    private <T> void completePending(PendingWrite<T> write) {
        if (write.response != null && !write.answered) {
            complete(write.response, write.value);
        }
    }

    // ---- loading and unloading ----

    /**
     * Follows a leadership change of partition {@code partition}: as its leader under {@code leaderEpoch} the
     * partition is loaded (again, if the epoch changed); otherwise its shard is unloaded. Any thread.
     */
    public void onLeadershipChanged(int partition, boolean leader, int leaderEpoch) {
        if (closed) {
            return;
        }
        PartitionContext ctx = contexts.computeIfAbsent(partition, PartitionContext::new);
        Incarnation served = ctx.current;
        if (leader && (served == null || served.leaderEpoch != leaderEpoch)) {
            ctx.loading = true; // an ISR change of a loaded partition is no reload
        }
        ctx.executor.execute(() -> {
            Incarnation current = ctx.current;
            if (leader && current != null && current.leaderEpoch == leaderEpoch) {
                ctx.loading = false; // already loaded for this epoch
                return;
            }
            if (current != null) {
                unload(ctx, current);
            }
            if (leader) {
                load(ctx, leaderEpoch);
            }
        });
    }

    private void load(PartitionContext ctx, int leaderEpoch) {
        long start = time.milliseconds();
        Incarnation inc = new Incarnation(leaderEpoch, shardFactory.apply(ctx.partition));
        List<Consumer<S>> uncommitted = new ArrayList<>();
        long[] end = {-1};
        try {
            long committed = coordinatorLog.highWatermark(ctx.partition);
            coordinatorLog.readEntries(ctx.partition, new CoordinatorLog.EntryVisitor() {
                @Override
                public void record(long producerId, short producerEpoch, Record record) {
                    R decoded = serde.deserialize(record);
                    long offset = record.offset();
                    apply(offset, shard -> shard.replay(offset, producerId, producerEpoch, decoded));
                }

                @Override
                public void endTransaction(long producerId, short producerEpoch, boolean commit, long offset) {
                    apply(offset, shard -> shard.replayEndTransaction(producerId, producerEpoch, commit));
                }

                /** Committed entries are replayed now; the tail waits for the high watermark like a write. */
                private void apply(long offset, Consumer<S> replay) {
                    if (offset < committed) {
                        replay.accept(inc.shard);
                    } else {
                        uncommitted.add(replay);
                    }
                    end[0] = offset + 1;
                }
            });
            if (uncommitted.isEmpty()) {
                inc.shard.onLoaded();
            }
        } catch (RuntimeException e) {
            ctx.loading = false;
            log.error("Failed to load {}-{}; it stays unavailable on this broker", topic, ctx.partition, e);
            return;
        }
        ctx.current = inc;
        ctx.loading = false;
        if (!uncommitted.isEmpty()) {
            // The shard is loaded only with its tail: a state the tail supersedes must not act (a transaction
            // prepared below the high watermark and completed above it must not get its markers again).
            PendingWrite<Void> tail = new PendingWrite<>(end[0], shard -> {
                uncommitted.forEach(r -> r.accept(shard));
                shard.onLoaded();
            }, null, null);
            inc.pending.addLast(tail);
            inc.loadTail = tail;
            // after a crash the tail may not be durable yet: nothing else would fsync it
            completions.execute(() -> makeDurableThenAwait(ctx, inc, tail));
        }
        log.info("Loaded {}-{} (leader epoch {}) in {} ms", topic, ctx.partition, leaderEpoch,
                time.milliseconds() - start);
    }

    private void unload(PartitionContext ctx, Incarnation inc) {
        ctx.current = null;
        for (PendingWrite<?> write : inc.pending) {
            if (write.response != null) {
                fail(write.response, notCoordinator(ctx.partition));
            }
        }
        inc.pending.clear();
        try {
            inc.shard.onUnloaded();
        } catch (RuntimeException e) {
            log.warn("Unloading {}-{} failed", topic, ctx.partition, e);
        }
        log.info("Unloaded {}-{}: this broker no longer leads it", topic, ctx.partition);
    }

    // ---- helpers ----

    private NotCoordinatorException notCoordinator(int partition) {
        return new NotCoordinatorException("This broker is not the coordinator for " + topic + "-" + partition);
    }

    private <T> void complete(CompletableFuture<T> response, T value) {
        completions.execute(() -> response.complete(value));
    }

    private void fail(CompletableFuture<?> response, Throwable failure) {
        completions.execute(() -> response.completeExceptionally(failure));
    }

    /** Unloads every shard (parked requests are answered NOT_COORDINATOR); later operations fail at once. */
    @Override
    public void close() {
        closed = true;
        for (PartitionContext ctx : contexts.values()) {
            ctx.executor.execute(() -> {
                if (ctx.current != null) {
                    unload(ctx, ctx.current);
                }
            });
        }
    }
}
