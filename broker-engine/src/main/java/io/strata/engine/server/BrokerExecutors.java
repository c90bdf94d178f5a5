package io.strata.engine.server;

import org.apache.kafka.common.utils.internals.ThreadUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Creates and stops every thread pool of one broker; components get their pool from here and never stop
 * it themselves (they cancel their own scheduled tasks). Threads are daemons named after their role.
 *
 * <p>Stopping never interrupts: request, coordinator and log threads may be inside
 * {@code FileChannel.force}, and an interrupt there closes the channel under every other user of the file.
 * A pool that does not finish within {@link #STOP_TIMEOUT_MS} is reported and left to end on its own.
 * Stopping happens in two steps so the logs close last: {@link #stopServing()} once the listener is closed
 * (nothing new can arrive), then {@link #close()} after the logs are closed.
 *
 * <p>Thread-safety: the pools are created in the constructor; the stop methods are called by the broker's
 * lifecycle thread (synchronized on it).
 */
public final class BrokerExecutors implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerExecutors.class);
    static final long STOP_TIMEOUT_MS = 30_000;
    /**
     * fsync waits on the disk, not a core, so it has threads of its own, enough for several partitions' fsyncs to be
     * in flight together (the file system then commits their journal entries together).
     */
    static final int FLUSHER_THREADS = 4;

    private final ExecutorService requests;
    private final ExecutorService flushers;
    private final ScheduledExecutorService checkpoints;
    private final ScheduledExecutorService groupTimer;
    private final ScheduledExecutorService purgatoryTimer;
    private final ScheduledExecutorService logBackground;
    private final ExecutorService logOpenClose;
    private final ScheduledExecutorService metadataPoller;
    private final ScheduledExecutorService heartbeat;
    private final ExecutorService replicaFetchers;
    private final ScheduledExecutorService isrChanges;
    private final ExecutorService logCleaner;
    private final ExecutorService coordinators;
    private final ScheduledExecutorService transactionTimer;
    private final ScheduledExecutorService transactionMarkers;
    private final ExecutorService transactionMarkerSends;
    private final ExecutorService transactionVerifications;

    public BrokerExecutors(int ioThreads, int logOpenThreads) {
        this(ioThreads, logOpenThreads, 1);
    }

    /**
     * @param ioThreads          request handler threads ({@code strata.kafka.io-threads})
     * @param logOpenThreads     threads that open and close partition logs in parallel at start and stop
     * @param coordinatorThreads threads of the coordinator runtime ({@code group.coordinator.threads})
     */
    public BrokerExecutors(int ioThreads, int logOpenThreads, int coordinatorThreads) {
        requests = Executors.newFixedThreadPool(ioThreads, ThreadUtils.createThreadFactory("strata-io-%d", true));
        flushers = Executors.newFixedThreadPool(FLUSHER_THREADS, ThreadUtils.createThreadFactory("strata-flusher-%d", true));
        checkpoints = single("strata-checkpointer");
        groupTimer = single("strata-group-coordinator");
        purgatoryTimer = single("strata-purgatory-timer");
        logBackground = single("strata-log-manager");
        logOpenClose = Executors.newFixedThreadPool(logOpenThreads,
                ThreadUtils.createThreadFactory("strata-log-open-close-%d", true));
        metadataPoller = single("strata-metadata-poller");
        heartbeat = single("strata-broker-heartbeat");
        replicaFetchers = Executors.newCachedThreadPool(ThreadUtils.createThreadFactory("strata-replica-fetcher-%d", true));
        isrChanges = single("strata-isr-changes");
        // Threads are made on demand: none when the cleaner is disabled.
        logCleaner = Executors.newCachedThreadPool(ThreadUtils.createThreadFactory("strata-log-cleaner-%d", true));
        coordinators = Executors.newFixedThreadPool(coordinatorThreads,
                ThreadUtils.createThreadFactory("strata-coordinator-%d", true));
        transactionTimer = single("strata-txn-coordinator");
        transactionMarkers = single("strata-txn-markers");
        // one thread per destination broker with markers in flight, made on demand
        transactionMarkerSends = Executors.newCachedThreadPool(
                ThreadUtils.createThreadFactory("strata-txn-marker-send-%d", true));
        // one thread per coordinator broker with verifications in flight, made on demand
        transactionVerifications = Executors.newCachedThreadPool(
                ThreadUtils.createThreadFactory("strata-txn-verify-%d", true));
    }

    /** One per available core, as Kafka's recovery threads scale with the disk and CPU at hand. */
    public static BrokerExecutors forBroker(int ioThreads, int coordinatorThreads) {
        // Opening a log mostly waits on fsyncs (its directory, checkpoints): more threads than cores overlap them.
        return new BrokerExecutors(ioThreads, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                coordinatorThreads);
    }

    /** Delayed tasks still pending at shutdown are dropped (parked-fetch deadlines: the purgatory answers those). */
    private static ScheduledExecutorService single(String name) {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, ThreadUtils.createThreadFactory(name, true));
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pool.setRemoveOnCancelPolicy(true);
        return pool;
    }

    /** Request handlers; also runs purgatory completions and the durability waits of coordinator writes. */
    public ExecutorService requests() {
        return requests;
    }

    /**
     * fsyncs that produce and transaction markers wait for without a thread of their own (one task per log at a
     * time, see {@code PartitionLog.flushToAsync}); their responses complete here.
     */
    public ExecutorService flushers() {
        return flushers;
    }

    /** High-watermark and recovery-point checkpoints. */
    public ScheduledExecutorService checkpoints() {
        return checkpoints;
    }

    /**
     * The coordinator runtime's shared threads: every coordinator partition's operations, loads and unloads run
     * here, one at a time per partition (never fsync: that runs on {@link #requests()}).
     */
    public ExecutorService coordinators() {
        return coordinators;
    }

    /** The transaction coordinator's timers: timed-out transaction aborts, id expiry, completion retries. */
    public ScheduledExecutorService transactionTimer() {
        return transactionTimer;
    }

    /** Owns the transaction marker jobs (which leader gets which marker) and schedules their retries. */
    public ScheduledExecutorService transactionMarkers() {
        return transactionMarkers;
    }

    /**
     * Sends transaction markers to partition leaders over blocking connections, one lane per destination broker.
     */
    public ExecutorService transactionMarkerSends() {
        return transactionMarkerSends;
    }

    /**
     * Sends partition leaders' transaction verifications and transaction version 2's implicit adds (AddPartitionsToTxn
     * v5, for produce v12+ and TxnOffsetCommit v5) to coordinators on other brokers over blocking connections, one lane
     * per destination broker.
     */
    public ExecutorService transactionVerifications() {
        return transactionVerifications;
    }

    /** The group coordinator's timers: session sweeps, offset expiration and metrics (they schedule operations). */
    public ScheduledExecutorService groupTimer() {
        return groupTimer;
    }

    /** Deadlines of parked fetches. */
    public ScheduledExecutorService purgatoryTimer() {
        return purgatoryTimer;
    }

    /** The log manager's periodic flush and producer-expiration passes. */
    public ScheduledExecutorService logBackground() {
        return logBackground;
    }

    /** Opens logs at start-up and closes them at shutdown, in parallel. */
    public ExecutorService logOpenClose() {
        return logOpenClose;
    }

    /** Reads metadata changes from the store and applies them (opens and deletes local logs). */
    public ScheduledExecutorService metadataPoller() {
        return metadataPoller;
    }

    /** Renews this broker's lease in the metadata store; its own thread so busy request threads cannot delay it. */
    public ScheduledExecutorService heartbeat() {
        return heartbeat;
    }

    /**
     * One thread per source broker this broker follows partitions of; each runs a fetcher loop until the
     * fetcher manager ends it (by closing its connection, never by interrupt).
     */
    public ExecutorService replicaFetchers() {
        return replicaFetchers;
    }

    /** Writes leaders' ISR changes to the metadata store and runs the periodic ISR shrink check. */
    public ScheduledExecutorService isrChanges() {
        return isrChanges;
    }

    /** Log cleaner threads: each runs a cleaner loop until the log cleaner is stopped (by a flag, never by interrupt). */
    public ExecutorService logCleaner() {
        return logCleaner;
    }

    /**
     * Stops every pool that serves requests or applies metadata, and the heartbeat (the broker's lease then
     * lapses after the session timeout); the logs stay usable.
     */
    public void stopServing() {
        stop(List.of(heartbeat, metadataPoller, replicaFetchers, isrChanges, purgatoryTimer, groupTimer, transactionTimer,
                transactionMarkers, transactionMarkerSends, transactionVerifications, coordinators, checkpoints, requests,
                flushers));
    }

    /** Stops everything still running; call after the logs are closed. */
    @Override
    public void close() {
        stop(List.of(heartbeat, metadataPoller, replicaFetchers, isrChanges, purgatoryTimer, groupTimer, transactionTimer,
                transactionMarkers, transactionMarkerSends, transactionVerifications, coordinators, checkpoints, requests,
                flushers, logCleaner,
                logBackground, logOpenClose));
    }

    private static void stop(List<ExecutorService> pools) {
        pools.forEach(ExecutorService::shutdown);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MS);
        List<ExecutorService> late = new ArrayList<>();
        for (ExecutorService pool : pools) {
            try {
                if (!pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    late.add(pool);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                late.add(pool);
                break;
            }
        }
        if (!late.isEmpty()) {
            log.warn("{} thread pool(s) still busy {} ms after shutdown; left to finish on their own", late.size(),
                    STOP_TIMEOUT_MS);
        }
    }
}
