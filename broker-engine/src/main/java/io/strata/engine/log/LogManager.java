package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.config.LogManagerConfig;
import io.strata.engine.log.checkpoint.CleanShutdownFile;
import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.checkpoint.PartitionMetadataFile;
import io.strata.engine.log.producer.ProducerStateManager;
import io.strata.engine.log.segment.FillAhead;
import io.strata.engine.log.retention.RetentionPlan;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Owns the partition logs under one data directory: {@code topic-partition/} directories, each with a
 * {@code partition.metadata} naming its topic id, as in Kafka.
 *
 * <p>On the broker's log background thread ("strata-log-manager", owned by the broker, which stops it after
 * {@link #close()}) it applies {@code flush.ms}, expires idle producer ids, runs retention every
 * {@code log.retention.check.interval.ms} ({@link PartitionLog#deleteOldSegments}), releases deleted segments
 * after their {@code file.delete.delay.ms} ({@link SegmentDeletion}) and
 * deletes removed logs after {@code file.delete.delay.ms} (their directories are renamed to
 * {@code topic-partition.<uuid>-delete} at once, so the partition name is free immediately and reads in
 * flight finish on the open files). Logs are opened and closed in parallel on the broker's open/close pool.
 * Creation is serialized; lookups use a concurrent map.
 */
public final class LogManager implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(LogManager.class);
    private static final long FLUSH_CHECK_INTERVAL_MS = 1_000;
    private static final long PRODUCER_EXPIRATION_CHECK_MS = 10 * 60_000;

    private final Path dataDir;
    private final Time time;
    private final ConcurrentMap<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final Set<PartitionLog> pendingDeletion = ConcurrentHashMap.newKeySet();
    /** The broker's log background pool and open/close pool: owned and stopped by the broker, not here. */
    private final ScheduledExecutorService background;
    /** Active segments are zero-filled ahead of their end on the background thread (LogManagerConfig). */
    private final FillAhead fillAhead;
    private final ExecutorService openClose;
    /** Counts every log's fsyncs (metrics); set once at wiring, before logs load. */
    private volatile FlushStats flushStats = new FlushStats();
    private final List<ScheduledFuture<?>> periodic = new ArrayList<>();
    /**
     * Passes over the logs (flush, producer expiry, checkpoints) hold the read lock, so they run side by side;
     * {@link #close()} takes the write lock to wait for one already running.
     */
    private final ReadWriteLock passLock = new ReentrantReadWriteLock();
    private final Object createLock = new Object();
    private volatile boolean closed;
    /** Told of each retention deletion (metrics); set once at wiring, before logs load. */
    private volatile RetentionListener retentionListener = (tp, plan) -> { };

    /** Hears which segments retention deleted. Called on the log background thread. */
    @FunctionalInterface
    public interface RetentionListener {
        void onSegmentsDeleted(TopicPartition tp, RetentionPlan plan);
    }

    /** With the default broker-wide log settings. */
    public LogManager(Path dataDir, Time time, ScheduledExecutorService background, ExecutorService openClose) {
        this(dataDir, time, LogManagerConfig.defaults(), background, openClose);
    }

    public LogManager(Path dataDir, Time time, LogManagerConfig config, ScheduledExecutorService background,
                      ExecutorService openClose) {
        this.dataDir = dataDir;
        this.time = time;
        this.background = background;
        this.openClose = openClose;
        this.fillAhead = config.zeroFillAheadBytes() > 0 ? new FillAhead(background, config.zeroFillAheadBytes())
                : FillAhead.OFF;
        periodic.add(background.scheduleWithFixedDelay(() -> forEachLog(l -> l.flushIfDue(time.milliseconds()), "flush"),
                FLUSH_CHECK_INTERVAL_MS, FLUSH_CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS));
        periodic.add(background.scheduleWithFixedDelay(() -> forEachLog(
                        l -> l.removeExpiredProducers(ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS),
                        "producer expiration"),
                PRODUCER_EXPIRATION_CHECK_MS, PRODUCER_EXPIRATION_CHECK_MS, TimeUnit.MILLISECONDS));
        periodic.add(background.scheduleWithFixedDelay(this::runRetention, config.retentionCheckIntervalMs(),
                config.retentionCheckIntervalMs(), TimeUnit.MILLISECONDS));
    }

    public void setRetentionListener(RetentionListener listener) {
        this.retentionListener = listener;
    }

    /** Where the logs opened from now on count their fsyncs: one instance for all logs, outliving this manager. */
    public void setFlushStats(FlushStats stats) {
        this.flushStats = stats;
    }

    /** One retention pass over every log (also called by tests to run it now). */
    public void runRetention() {
        forEachLog(l -> {
            RetentionPlan plan = l.deleteOldSegments(time.milliseconds());
            if (plan.deletesAnything()) {
                retentionListener.onSegmentsDeleted(l.topicPartition(), plan);
            }
        }, "retention");
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Opens every {@code topic-partition} directory of the data dir in parallel, running recovery.
     * Directories without readable partition metadata are skipped (and left alone); leftover
     * {@code -delete} directories are removed in the background.
     */
    public void loadLogs(Function<TopicPartition, LogConfig> configFor) throws IOException {
        Files.createDirectories(dataDir);
        long startMs = time.milliseconds();
        Map<String, Long> cleanEnds = CleanShutdownFile.take(dataDir); // before any log opens: see its doc
        List<Callable<PartitionLog>> tasks = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dataDir)) {
            for (Path dir : entries.filter(Files::isDirectory).toList()) {
                String name = dir.getFileName().toString();
                if (name.endsWith(LogFileNames.DELETE_DIR_SUFFIX)) {
                    background.execute(() -> deleteDir(dir));
                    continue;
                }
                Optional<TopicPartition> tp = LogFileNames.parseDirName(name);
                Optional<Uuid> topicId = tp.isPresent() ? topicIdOf(dir) : Optional.empty();
                if (tp.isEmpty() || topicId.isEmpty()) {
                    log.warn("Skipping {}: not a partition directory with readable partition metadata", dir);
                    continue;
                }
                Long cleanEnd = cleanEnds.get(name);
                tasks.add(() -> PartitionLog.open(dir, tp.get(), topicId.get(), configFor.apply(tp.get()), time,
                        background, fillAhead, cleanEnd == null ? OptionalLong.empty() : OptionalLong.of(cleanEnd),
                        flushStats));
            }
        }
        for (PartitionLog opened : runInParallel(tasks, PartitionLog::closeWithoutFlush)) {
            logs.put(opened.topicPartition(), opened);
        }
        log.info("Loaded {} partition log(s) from {} in {} ms", tasks.size(), dataDir, time.milliseconds() - startMs);
    }

    private static Optional<Uuid> topicIdOf(Path dir) {
        try {
            return PartitionMetadataFile.read(dir);
        } catch (IOException e) {
            log.warn("Unreadable partition metadata in {}: {}", dir, e.getMessage());
            return Optional.empty();
        }
    }

    public Optional<PartitionLog> log(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<PartitionLog> logs() {
        return List.copyOf(logs.values());
    }

    /**
     * The log of {@code tp}, opening or creating it. A log or directory of another topic id under the same
     * name (a topic deleted and re-created) is deleted first.
     */
    public PartitionLog getOrCreateLog(TopicPartition tp, Uuid topicId, LogConfig config) throws IOException {
        synchronized (createLock) {
            if (closed) {
                throw new IOException("Log manager of " + dataDir + " is closed");
            }
            PartitionLog existing = logs.get(tp);
            if (existing != null) {
                if (existing.topicId().equals(topicId)) {
                    return existing;
                }
                log.warn("Log of {} belongs to topic id {}; deleting it for topic id {}", tp, existing.topicId(), topicId);
                deleteLog(tp);
            }
            Path dir = dataDir.resolve(LogFileNames.dirName(tp));
            boolean isNew = !Files.exists(dir);
            if (!isNew) {
                Optional<Uuid> stored = topicIdOf(dir);
                if (stored.isPresent() && !stored.get().equals(topicId)) {
                    log.warn("Directory {} belongs to topic id {}; deleting it for topic id {}", dir, stored.get(), topicId);
                    Path target = deletionTarget(tp);
                    Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
                    background.execute(() -> deleteDir(target));
                    isNew = true;
                }
            }
            PartitionLog created = PartitionLog.open(dir, tp, topicId, config, time, background, fillAhead,
                    OptionalLong.empty(), flushStats);
            if (isNew) {
                Utils.flushDir(dataDir);
            }
            logs.put(tp, created);
            return created;
        }
    }

    /**
     * Removes the log: its directory is renamed to {@code topic-partition.<uuid>-delete} now and deleted
     * after the topic's {@code file.delete.delay.ms}.
     */
    public void deleteLog(TopicPartition tp) {
        PartitionLog removed = logs.remove(tp);
        if (removed == null) {
            return;
        }
        try {
            removed.renameDirForDeletion(deletionTarget(tp));
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot rename the directory of {} for deletion; deleting it now", tp, e);
            removed.delete();
            return;
        }
        pendingDeletion.add(removed);
        try {
            background.schedule(() -> deletePending(removed), removed.config().fileDeleteDelayMs(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            deletePending(removed);
        }
    }

    private Path deletionTarget(TopicPartition tp) {
        return dataDir.resolve(LogFileNames.dirName(tp) + "." + UUID.randomUUID().toString().replace("-", "")
                + LogFileNames.DELETE_DIR_SUFFIX);
    }

    private void deletePending(PartitionLog removed) {
        if (pendingDeletion.remove(removed)) {
            try {
                removed.delete();
            } catch (RuntimeException e) {
                log.warn("Deleting {} failed", removed.dir(), e);
            }
        }
    }

    private static void deleteDir(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            log.warn("Deleting {} failed", dir, e);
        }
    }

    /** Writes each log's high watermark, recovery point and log start offset checkpoints (those that changed). */
    public void checkpointHighWatermarks() {
        forEachLog(PartitionLog::checkpoint, "checkpoint");
    }

    private void forEachLog(Consumer<PartitionLog> action, String what) {
        passLock.readLock().lock();
        try {
            if (closed) {
                return;
            }
            for (PartitionLog partitionLog : logs.values()) {
                try {
                    action.accept(partitionLog);
                } catch (RuntimeException e) {
                    log.warn("{} of {} failed", what, partitionLog.topicPartition(), e);
                }
            }
        } finally {
            passLock.readLock().unlock();
        }
    }

    /**
     * Graceful shutdown: every log is flushed and checkpointed, then the log ends of those that closed cleanly
     * are recorded in the data dir's {@link CleanShutdownFile}, so the next start trusts them without validating.
     */
    @Override
    public void close() {
        List<PartitionLog> toClose = stop();
        for (PartitionLog removed : List.copyOf(pendingDeletion)) {
            deletePending(removed);
        }
        Map<String, Long> cleanEnds = new ConcurrentHashMap<>();
        try {
            runInParallel(toClose.stream().<Callable<PartitionLog>>map(l -> () -> {
                l.closeGracefully().ifPresent(end -> cleanEnds.put(l.dir().getFileName().toString(), end));
                return l;
            }).toList(), l -> { });
        } catch (IOException e) {
            log.warn("Closing logs of {} was interrupted", dataDir, e);
        }
        if (!cleanEnds.isEmpty()) {
            try {
                CleanShutdownFile.write(dataDir, cleanEnds);
            } catch (IOException | RuntimeException e) {
                log.warn("Could not record the clean shutdown in {}; the next start validates every log", dataDir, e);
            }
        }
        log.info("Closed {} partition log(s) in {} ({} cleanly)", toClose.size(), dataDir, cleanEnds.size());
    }

    /** Crash simulation: closes files without flushing, checkpointing or deleting anything. */
    public void closeWithoutFlush() {
        for (PartitionLog partitionLog : stop()) {
            partitionLog.closeWithoutFlush();
        }
        for (PartitionLog removed : List.copyOf(pendingDeletion)) {
            pendingDeletion.remove(removed);
            removed.closeWithoutFlush();
        }
    }

    private List<PartitionLog> stop() {
        synchronized (createLock) {
            closed = true;
        }
        // No interrupt (a pass may be inside FileChannel.force): cancel, then wait for a running pass to end.
        periodic.forEach(f -> f.cancel(false));
        passLock.writeLock().lock();
        try {
            periodic.clear();
        } finally {
            passLock.writeLock().unlock();
        }
        List<PartitionLog> all = List.copyOf(logs.values());
        logs.clear();
        return all;
    }

    /** Runs the tasks on the open/close pool; if any fails, the others' results go to {@code undo} and the failure is thrown. */
    private List<PartitionLog> runInParallel(List<Callable<PartitionLog>> tasks, Consumer<PartitionLog> undo)
            throws IOException {
        if (tasks.isEmpty()) {
            return List.of();
        }
        try {
            List<PartitionLog> done = new ArrayList<>(tasks.size());
            Exception failure = null;
            for (Future<PartitionLog> future : openClose.invokeAll(tasks)) {
                try {
                    done.add(future.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof Exception cause ? cause : e;
                    }
                }
            }
            if (failure != null) {
                done.forEach(undo);
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure != null) {
                throw new UncheckedIOException(new IOException(failure));
            }
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while opening or closing logs");
        }
    }
}
