package io.strata.engine.txn;

import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.config.TransactionConfig;
import io.strata.engine.coordinator.CoordinatorErrors;
import io.strata.engine.coordinator.CoordinatorLog;
import io.strata.engine.coordinator.CoordinatorResult;
import io.strata.engine.coordinator.CoordinatorRuntime;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The transaction coordinator of one broker (KIP-98, KIP-360; transaction versions 0/1 and, KIP-890 part 2, 2: each
 * transaction records the version its client's requests spoke, which decides the epoch bumps and reaches the
 * markers). It owns the
 * transactional ids hashed to the partitions of {@code __transaction_state} this broker leads, creates that topic
 * on first use, and runs one {@link TransactionShard} per led partition on a {@link CoordinatorRuntime}: loaded
 * (replaying the log) when this broker becomes the partition's leader, unloaded when it stops being it; the
 * coordinator epoch is the partition's leader epoch. {@link TransactionOperations} holds the client operations,
 * {@link TransactionListing} ListTransactions and DescribeTransactions.
 *
 * <p>Ending a transaction: EndTxn (or a fence, or a timeout) writes PREPARE_COMMIT/PREPARE_ABORT; once it is
 * committed the shard hands it to the {@link TransactionMarkerSender}, which writes the markers to the partition
 * leaders and then calls {@link #completeEnd}, which writes COMPLETE_* (retried with backoff while the
 * partition is served but the write fails).
 *
 * <p>Threads: request threads call the operations, which only schedule runtime operations; the timer thread
 * ({@code timer}, owned by the broker) schedules the timeout, expiry and metrics passes and the completion
 * retries; markers are sent on the marker writer's threads. Producer ids are allocated off the runtime threads (they may reach the metadata
 * store). {@code coordinatorEpochs} is concurrent; nothing here blocks on the log.
 */
public final class TransactionCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);
    /** How long a write may wait for its {@code __transaction_state} partition to replicate it. */
    private static final long WRITE_TIMEOUT_MS = 5_000;
    private static final long COMPLETE_RETRY_BACKOFF_MS = 200;
    private static final long METRICS_INTERVAL_MS = 2_000;

    /** How the coordinator finds and creates its topic; implemented by the broker. */
    public interface StateTopicAccess {
        Optional<TopicMetadata> find();

        /** Brokers currently live in the cluster (this one included), as far as this broker knows. */
        int liveBrokers();

        TopicMetadata create(int partitions, short replicationFactor, Map<String, String> configs);
    }

    /** Writes the markers of committed PREPARE_* transitions ({@link TransactionMarkerSender}; tests fake it). */
    public interface MarkerWriter extends AutoCloseable {
        /** Starts writing the markers; any thread, returns at once; {@code onWritten} once all are written. */
        void send(TransactionShard.PreparedEnd end, java.util.function.Consumer<TransactionShard.PreparedEnd> onWritten);

        @Override
        void close();
    }

    /** A runtime write: records, the response on success, and what to undo on the shard if the write fails. */
    record Step<T>(List<TransactionLogRecords.Entry> records, T response, java.util.function.Consumer<TransactionShard> onFailure) {
        static <T> Step<T> answer(T response) {
            return new Step<>(List.of(), response, null);
        }
    }

    private final int brokerId;
    private final TransactionConfig config;
    private final StateTopicAccess topicAccess;
    private final ReplicaManager replicaManager;
    private final Time time;
    private final CoordinatorRuntime<TransactionShard, TransactionLogRecords.Entry> runtime;
    private final MarkerWriter markers;
    private final TransactionOperations operations;
    private final TransactionListing listing;
    private final ScheduledExecutorService timer;
    private final TransactionMetrics metrics;
    private final Map<Integer, Integer> coordinatorEpochs = new ConcurrentHashMap<>();
    private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * @param coordinatorLog  the runtime's view of {@code __transaction_state} (tests fake it)
     * @param coordinatorPool the shared coordinator threads partitions' operations run on
     * @param completions     where responses complete, fsyncs run and producer ids are allocated (the request pool)
     * @param timer           the coordinator's timer thread, also the marker sender's (owned by the broker)
     * @param producerIds     allocates new producer ids; may block
     */
    public TransactionCoordinator(int brokerId, TransactionConfig config, ReplicaManager replicaManager,
                                  CoordinatorLog coordinatorLog, StateTopicAccess topicAccess,
                                  MarkerWriter markers, LongSupplier producerIds, Time time, TransactionMetrics metrics,
                                  Executor coordinatorPool, Executor completions, ScheduledExecutorService timer) {
        this.brokerId = brokerId;
        this.config = config;
        this.topicAccess = topicAccess;
        this.replicaManager = replicaManager;
        this.time = time;
        this.markers = markers;
        this.timer = timer;
        this.metrics = metrics;
        this.runtime = new CoordinatorRuntime<>(TransactionStateTopic.NAME, coordinatorLog, TransactionShard.SERDE,
                partition -> new TransactionShard(partition, coordinatorEpochs.getOrDefault(partition, -1),
                        time::milliseconds, this::onPrepared, metrics),
                coordinatorPool, completions, time, WRITE_TIMEOUT_MS);
        this.operations = new TransactionOperations(this, config, producerIds, completions);
        this.listing = new TransactionListing(this, time::milliseconds);
        if (replicaManager != null) {
            replicaManager.addLeadershipListener(this::onLeadershipChanged);
        }
    }

    public TransactionOperations operations() {
        return operations;
    }

    public TransactionListing listing() {
        return listing;
    }

    // ---- topic and leadership ----

    /** The partition of {@code __transaction_state} owning a transactional id. */
    public int partitionFor(String transactionalId) {
        int partitions = topicAccess.find().map(t -> t.partitions().size()).orElse(config.stateLogNumPartitions());
        return TransactionStateTopic.partitionFor(transactionalId, partitions);
    }

    /**
     * Makes sure {@code __transaction_state} exists (created on the first FindCoordinator, once
     * {@code transaction.state.log.replication.factor} brokers are live) and returns it.
     *
     * @throws CoordinatorNotAvailableException while the coordinator starts or too few brokers are live
     */
    public synchronized TopicMetadata ensureStateTopic() {
        if (!started) {
            throw new CoordinatorNotAvailableException("The transaction coordinator is starting");
        }
        Optional<TopicMetadata> existing = topicAccess.find();
        if (existing.isPresent()) {
            return existing.get();
        }
        int live = topicAccess.liveBrokers();
        if (live < config.stateLogReplicationFactor()) {
            throw new CoordinatorNotAvailableException("Not creating " + TransactionStateTopic.NAME
                    + " yet: transaction.state.log.replication.factor is " + config.stateLogReplicationFactor()
                    + " but only " + live + " broker(s) are live");
        }
        TopicMetadata topic = topicAccess.create(config.stateLogNumPartitions(), config.stateLogReplicationFactor(),
                TransactionStateTopic.topicConfigs(config));
        loadLed(topic);
        log.info("Created {} with {} partitions", TransactionStateTopic.NAME, topic.partitions().size());
        return topic;
    }

    private void onLeadershipChanged(Partition partition) {
        if (!started || !partition.topicPartition().topic().equals(TransactionStateTopic.NAME)) {
            return;
        }
        leadershipChanged(partition.topicPartition().partition(), partition.isLeader(), partition.leaderEpoch());
    }

    /** Loads or unloads a partition's shard; the coordinator epoch is the leader epoch. Any thread. */
    void leadershipChanged(int partition, boolean leader, int leaderEpoch) {
        if (leader) {
            coordinatorEpochs.put(partition, leaderEpoch);
        }
        runtime.onLeadershipChanged(partition, leader, leaderEpoch);
    }

    /** Loads the partitions led now and starts the timeout and expiry passes. */
    public synchronized void start() {
        startServing();
        scheduled.add(timer.scheduleWithFixedDelay(this::abortTimedOutTransactions,
                config.abortTimedOutCheckIntervalMs(), config.abortTimedOutCheckIntervalMs(), TimeUnit.MILLISECONDS));
        scheduled.add(timer.scheduleWithFixedDelay(this::removeExpiredIds, config.removeExpiredCheckIntervalMs(),
                config.removeExpiredCheckIntervalMs(), TimeUnit.MILLISECONDS));
        scheduled.add(timer.scheduleWithFixedDelay(this::refreshMetrics, METRICS_INTERVAL_MS, METRICS_INTERVAL_MS,
                TimeUnit.MILLISECONDS));
    }

    void refreshMetrics() {
        List<CompletableFuture<Integer>> shards = readAll(TransactionShard::openTransactions);
        CompletableFuture.allOf(shards.toArray(new CompletableFuture<?>[0])).handle((ignored, failure) -> {
            metrics.setOpen(shards.stream().filter(f -> !f.isCompletedExceptionally()).mapToInt(CompletableFuture::join)
                    .sum());
            return null;
        });
    }

    /** Loads the partitions led now; later leadership changes load and unload through the listener. */
    synchronized void startServing() {
        started = true;
        topicAccess.find().ifPresent(this::loadLed);
    }

    private void loadLed(TopicMetadata topic) {
        for (PartitionMetadata p : topic.partitions()) {
            if (p.leader() != brokerId || replicaManager == null) {
                continue;
            }
            replicaManager.partition(new TopicPartition(TransactionStateTopic.NAME, p.partition()))
                    .filter(Partition::isLeader)
                    .ifPresent(led -> leadershipChanged(p.partition(), true, led.leaderEpoch()));
        }
    }

    public boolean isLoading() {
        return runtime.isLoading();
    }

    // ---- writes ----

    /**
     * Runs {@code op} on the partition's shard and appends what it returns; the future completes with the step's
     * response once committed, or fails (with the step's undo run as a new operation).
     */
    <T> CompletableFuture<T> write(int partition, Function<TransactionShard, Step<T>> op) {
        AtomicReference<Step<T>> taken = new AtomicReference<>();
        CompletableFuture<T> written = runtime.scheduleWrite(partition, shard -> {
            Step<T> step = op.apply(shard);
            taken.set(step);
            return new CoordinatorResult<>(step.records(), step.response());
        });
        return written.whenComplete((response, failure) -> {
            Step<T> step = taken.get();
            if (failure != null && step != null && step.onFailure() != null) {
                runtime.scheduleWrite(partition, shard -> {
                    step.onFailure().accept(shard);
                    return CoordinatorResult.of(null);
                });
            }
        });
    }

    <T> List<CompletableFuture<T>> writeAll(Function<TransactionShard, Step<T>> op) {
        List<CompletableFuture<T>> all = new ArrayList<>();
        for (int partition : runtime.servedPartitions()) {
            all.add(write(partition, op));
        }
        return all;
    }

    <T> CompletableFuture<T> read(int partition, Function<TransactionShard, T> op) {
        return runtime.scheduleRead(partition, op);
    }

    <T> List<CompletableFuture<T>> readAll(Function<TransactionShard, T> op) {
        List<CompletableFuture<T>> all = new ArrayList<>();
        for (int partition : runtime.servedPartitions()) {
            all.add(runtime.scheduleRead(partition, op));
        }
        return all;
    }

    /** The undo of a prepared transition that was not written. */
    static java.util.function.Consumer<TransactionShard> cancel(TransactionMetadata metadata, TxnTransitMetadata transit) {
        return shard -> {
            if (shard.get(metadata.transactionalId()) == metadata
                    && metadata.pendingState().orElse(null) == transit.txnState()) {
                metadata.cancelTransition();
            }
        };
    }

    // ---- ending transactions ----

    /** On the shard thread: a committed PREPARE_*; its markers are written elsewhere. */
    private void onPrepared(TransactionShard.PreparedEnd end) {
        if (!closed) {
            markers.send(end, this::completeEnd);
        }
    }

    /** Every marker of a prepared transaction is written: COMPLETE_COMMIT or COMPLETE_ABORT. Any thread. */
    void completeEnd(TransactionShard.PreparedEnd end) {
        write(end.partition(), shard -> {
            TransactionMetadata metadata = shard.get(end.transactionalId());
            TxnTransitMetadata prepared = end.prepared();
            if (shard.coordinatorEpoch() != end.coordinatorEpoch() || metadata == null
                    || metadata.state() != prepared.txnState() || metadata.producerId() != prepared.producerId()
                    || metadata.producerEpoch() != prepared.producerEpoch() || metadata.pendingTransitionInProgress()) {
                return Step.<Void>answer(null); // completed already, or a newer coordinator epoch owns it
            }
            TxnTransitMetadata complete = metadata.prepareComplete();
            return new Step<Void>(List.of(new TransactionLogRecords.Entry(end.transactionalId(), complete)), null,
                    cancel(metadata, complete));
        }).whenComplete((ignored, failure) -> {
            if (failure == null || closed) {
                return;
            }
            Errors error = CoordinatorErrors.errorOf(failure);
            if (error == Errors.NOT_COORDINATOR) {
                return; // the next leader loads the PREPARE_* and writes the markers again
            }
            log.info("Completing the transaction of {} failed ({}); retrying", end.transactionalId(), error);
            schedule(() -> completeEnd(end), COMPLETE_RETRY_BACKOFF_MS);
        });
    }

    // ---- timeouts and expiry ----

    /** Aborts, with an epoch bump that fences the producer, every ongoing transaction past its timeout. */
    void abortTimedOutTransactions() {
        long now = time.milliseconds();
        writeAll(shard -> {
            TransactionExpiryPlanner.Plan plan = TransactionExpiryPlanner.plan(
                    shard.all().stream().filter(m -> m.producerEpoch() >= 0).toList(), now, config.idExpirationMs());
            List<TransactionLogRecords.Entry> records = new ArrayList<>();
            List<java.util.function.Consumer<TransactionShard>> undo = new ArrayList<>();
            for (TransactionExpiryPlanner.TimedOutTransaction timedOut : plan.timedOut()) {
                TransactionMetadata metadata = shard.get(timedOut.transactionalId());
                if (metadata.producerId() != timedOut.producerId() || metadata.producerEpoch() == Short.MAX_VALUE) {
                    continue;
                }
                log.info("Aborting the transaction of {} (producer {} epoch {}): it passed its timeout of {} ms",
                        timedOut.transactionalId(), timedOut.producerId(), timedOut.producerEpoch(),
                        metadata.txnTimeoutMs());
                TxnTransitMetadata abort = TransactionOperations.fenceAndAbort(metadata);
                records.add(new TransactionLogRecords.Entry(metadata.transactionalId(), abort));
                undo.add(TransactionOperations.undoFenceAndAbort(metadata, abort));
            }
            int count = records.size();
            return new Step<Integer>(records, count, s -> undo.forEach(u -> u.accept(s)));
        }).forEach(f -> f.thenAccept(metrics::timedOut));
    }

    /** Removes (with a tombstone) transactional ids idle for {@code transactional.id.expiration.ms}. */
    void removeExpiredIds() {
        long now = time.milliseconds();
        writeAll(shard -> {
            TransactionExpiryPlanner.Plan plan = TransactionExpiryPlanner.plan(shard.all(), now, config.idExpirationMs());
            List<TransactionLogRecords.Entry> records = new ArrayList<>();
            List<java.util.function.Consumer<TransactionShard>> undo = new ArrayList<>();
            for (String id : plan.expired()) {
                TransactionMetadata metadata = shard.get(id);
                TxnTransitMetadata dead = metadata.prepareDead();
                records.add(new TransactionLogRecords.Entry(id, null));
                undo.add(cancel(metadata, dead));
            }
            if (!records.isEmpty()) {
                log.info("Removing {} expired transactional id(s) of {}-{}", records.size(), TransactionStateTopic.NAME,
                        shard.partition());
            }
            return new Step<Void>(records, null, s -> undo.forEach(u -> u.accept(s)));
        });
    }

    void schedule(Runnable task, long delayMs) {
        if (closed) {
            return;
        }
        try {
            timer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Transaction timer stopped");
        }
    }

    /** Cancels the timers, stops the marker sender and unloads the shards. */
    @Override
    public synchronized void close() {
        closed = true;
        scheduled.forEach(f -> f.cancel(false));
        scheduled.clear();
        markers.close();
        runtime.close();
    }
}
