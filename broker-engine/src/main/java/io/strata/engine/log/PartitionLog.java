package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.log.producer.ProducerStateManager;
import io.strata.engine.log.producer.VerificationGuard;
import io.strata.engine.log.retention.RetentionPlan;
import io.strata.engine.log.retention.RetentionPlanner;
import io.strata.engine.log.segment.AbortedTxn;
import io.strata.engine.log.segment.FillAhead;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import io.strata.engine.log.segment.OffsetAndEpoch;
import io.strata.engine.log.segment.TimestampSearch;
import io.strata.engine.log.validation.AppendOrigin;
import io.strata.engine.metrics.LogGauges;
import io.strata.engine.log.validation.BatchValidator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable log of one partition: segments on disk, the leader epoch cache, producer state, and the
 * high watermark.
 *
 * <p>It owns package-private parts, each with one job: {@link LogOffsets} (log start, log end, high watermark),
 * {@link LogAppender} (writes at the log end, rolls), {@link LogTruncation}, {@link LogRetention} (log start offset
 * and retention passes), {@link LogCheckpoints} (checkpoint files), {@link LogReads} (the fetch read),
 * {@link LogLifecycle} (open/closed/deleted, the directory), {@link LogFlusher} (fsync) and
 * {@link AbortedTransactions} (read_committed's aborted list from the {@code .txnindex} files). This class holds the
 * append lock and takes it around every call that needs it; the parts take none of it themselves.
 *
 * <p>Concurrency:
 * <ul>
 *   <li>Appends, rolls, truncation and close are serialized by {@code appendLock}. Validation (CRC, sizes)
 *       runs before taking it.</li>
 *   <li>fsync runs outside the append lock, as a group commit ({@link LogFlusher}): one thread fsyncs
 *       everything written so far while later appenders queue behind it, and each of them returns at once
 *       if the fsync it waited for already covered its batch. Produce waits without a thread
 *       ({@link #flushToAsync}): a flusher-pool task fsyncs and completes every waiter it covered.</li>
 *   <li>Reads (fetch, timestamp lookups) take no lock. A segment publishes its size (volatile) after the
 *       bytes and index entries are written, and the log end offset is published after that, so a reader
 *       bounded by the log end or high watermark never sees a partial batch. The last stable offset and the
 *       aborted-transaction lists are read lock-free too (producer state and transaction indexes publish
 *       immutable views).</li>
 *   <li>Checkpoint writes (high watermark, recovery point, log start offset: {@link LogCheckpoints}) are
 *       serialized by the checkpoint lock ({@code checkpoints.lock()}), also held to rename the directory and to
 *       mark the log closed or deleted.</li>
 *   <li>The log start offset is state of its own (DeleteRecords may put it inside the first segment), moved
 *       forward only, under the append lock; retention ({@link #deleteOldSegments}) and segment deletion also
 *       run under the append lock, and hand removed segments to {@link SegmentDeletion}.</li>
 *   <li>The log cleaner reads segments lock-free (like a fetch) and swaps cleaned segments in with
 *       {@link #replaceSegments} under the append lock, inside the flusher's exclusive section; readers see the
 *       old segments or the new one, never a gap, and reads already holding a replaced segment finish on it
 *       ({@link SegmentDeletion} closes it later).</li>
 *   <li>Transaction verification (KIP-890): {@link #startTransactionVerification} takes only the producer state's
 *       monitor (no append lock), on request threads; the append that uses the guard checks it under the append
 *       lock, so a marker appended in between (also under it) is seen.</li>
 * </ul>
 * The high watermark only moves forward (truncation aside), under its own small lock in {@link LogOffsets}.
 * Lock order: appendLock, then the group commit monitor, then the checkpoint lock.
 */
public final class PartitionLog implements Closeable, LogGauges.LogStats {
    private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Time time;
    private final LogSegments segments;
    private final LeaderEpochCache epochCache;
    private final ProducerStateManager producerState;
    private final SegmentDeletion segmentDeletion;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final LogFlusher groupCommit;
    private final FlushWaiters flushWaiters;
    private final LogCheckpoints checkpoints;
    private final LogOffsets offsets;
    private final LogAppender appender;
    private final LogTruncation truncation;
    private final LogRetention retention;
    private final LogLifecycle lifecycle;
    private final LogReads reads;

    private volatile LogConfig config;

    private PartitionLog(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, Time time, LogLoader.Loaded loaded,
                         ScheduledExecutorService deletionScheduler, FillAhead fillAhead, FlushStats flushStats) {
        this.topicPartition = tp;
        this.topicId = topicId;
        this.config = config;
        this.time = time;
        this.segments = loaded.segments();
        this.epochCache = loaded.epochCache();
        this.producerState = loaded.producerState();
        this.offsets = new LogOffsets(loaded.logStartOffset(), loaded.logEndOffset(), loaded.highWatermark());
        this.segmentDeletion = new SegmentDeletion(tp, deletionScheduler);
        this.checkpoints = new LogCheckpoints(this::dir, this::isDeleted);
        // Everything loaded was fsynced by recovery (or trusted after a clean close).
        this.groupCommit = new LogFlusher(segments, time, this::dir, loaded.logEndOffset(), flushStats);
        this.flushWaiters = new FlushWaiters(groupCommit, this::logEndOffset);
        this.appender = new LogAppender(tp, this::dir, segments, epochCache, producerState, groupCommit, offsets,
                fillAhead);
        this.truncation = new LogTruncation(tp, this::dir, this::config, time, segments, epochCache, producerState,
                groupCommit, offsets, checkpoints);
        this.retention = new LogRetention(tp, this::dir, this::config, segments, epochCache, producerState,
                groupCommit, segmentDeletion, offsets, checkpoints, appender);
        this.reads = new LogReads(tp, segments, offsets);
        this.lifecycle = new LogLifecycle(dir, tp, segments, producerState, segmentDeletion, groupCommit, offsets,
                checkpoints);
    }

    /**
     * Opens the log with no deletion delay (deleted segments go as soon as no reader holds them), validating it
     * as after a crash.
     */
    public static PartitionLog open(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, Time time)
            throws IOException {
        return open(dir, tp, topicId, config, time, null, FillAhead.OFF, OptionalLong.empty(), new FlushStats());
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, running recovery. Deleted segments' files are removed
     * on {@code deletionScheduler} after file.delete.delay.ms; the active segment is zero-filled ahead of its end as
     * {@code fillAhead} says. {@code cleanEnd} is the log end its last
     * {@link #closeGracefully()} returned, if the caller recorded one durably (LogManager: in the data dir's
     * {@link io.strata.engine.log.checkpoint.CleanShutdownFile}) and took it back before this open; the log's data
     * is then trusted if its files end there. Its fsyncs are counted in {@code flushStats}.
     */
    public static PartitionLog open(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, Time time,
                                    ScheduledExecutorService deletionScheduler, FillAhead fillAhead,
                                    OptionalLong cleanEnd, FlushStats flushStats) throws IOException {
        TopicIdCheck.claim(dir, tp, topicId);
        LogLoader.Loaded loaded = LogLoader.load(dir, tp, config, time, cleanEnd);
        PartitionLog partitionLog = new PartitionLog(dir, tp, topicId, config, time, loaded, deletionScheduler,
                fillAhead, flushStats);
        log.info("Opened {} ({}): log start {}, log end {}, high watermark {}, {} segment(s){}", tp, dir.getFileName(),
                partitionLog.logStartOffset(), partitionLog.logEndOffset(), partitionLog.highWatermark(),
                loaded.segments().count(), loaded.cleanShutdown() ? "" : ", after recovery");
        return partitionLog;
    }

    @Override
    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public Path dir() {
        return lifecycle.dir();
    }

    private boolean isDeleted() {
        return lifecycle.isDeleted();
    }

    public LogConfig config() {
        return config;
    }

    public void updateConfig(LogConfig config) {
        this.config = config;
    }

    @Override
    public long logStartOffset() {
        return offsets.logStart();
    }

    @Override
    public long logEndOffset() {
        return offsets.logEnd();
    }

    public long highWatermark() {
        return offsets.highWatermark();
    }

    /**
     * The last stable offset: the first offset of the oldest transaction still open, or completed by a marker the
     * high watermark has not passed yet, else the high watermark. read_committed consumers read only below it.
     */
    public long lastStableOffset() {
        long hw = offsets.highWatermark();
        return Math.min(hw, producerState.firstUnstableOffset(hw).orElse(hw));
    }

    @Override
    public long lastStableOffsetLag() {
        return Math.max(0, highWatermark() - lastStableOffset());
    }

    /** Aborted transactions with data below {@code upperBoundOffset} and a marker at or after {@code fetchOffset}. */
    public List<AbortedTxn> abortedTransactions(long fetchOffset, long upperBoundOffset) {
        return AbortedTransactions.collect(segments, fetchOffset, upperBoundOffset);
    }

    /** Offset up to which (exclusive) data is known to be fsynced. */
    public long flushedOffset() {
        return groupCommit.flushedOffset();
    }

    public LeaderEpochCache leaderEpochCache() {
        return epochCache;
    }

    public ProducerStateManager producerState() {
        return producerState;
    }

    /** The guard to append a transactional batch with after verifying it ({@link ProducerStateManager#startVerification}). */
    public VerificationGuard startTransactionVerification(long producerId, short producerEpoch) {
        return producerState.startVerification(producerId, producerEpoch, time.milliseconds());
    }

    /** Number of segments (for metrics and tests). */
    @Override
    public int segmentCount() {
        return segments.count();
    }

    /** Bytes of whole batches over all segments (what retention.bytes counts; DescribeLogDirs, metrics). */
    @Override
    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    /** Where removed segments wait for their delayed deletion (the cleaner hands replaced segments to it). */
    public SegmentDeletion segmentDeletion() {
        return segmentDeletion;
    }

    /** The segments now, oldest first, the active one last (for the log cleaner; read them lock-free). */
    public List<LogSegment> segmentsSnapshot() {
        return List.copyOf(segments.all());
    }

    // ---- appends ----

    /** Appends a producer's batch as leader; see {@link #appendAsLeader(MemoryRecords, int, AppendOrigin)}. */
    public LogAppendResult appendAsLeader(MemoryRecords records, int leaderEpoch) {
        return appendAsLeader(records, leaderEpoch, AppendOrigin.CLIENT);
    }

    /**
     * Validates and appends one record batch as leader: assigns offsets, stamps the leader epoch (and
     * LogAppendTime if configured), checks idempotent producer sequences and writes; then fsyncs if the
     * topic's flush policy says so. A retry of one of a producer's last five batches is not written again:
     * the original offsets come back with {@code duplicate} set. Coordinators may also write control batches
     * (transaction markers, checked against the producer's epoch and coordinator epoch).
     *
     * @throws org.apache.kafka.common.errors.CorruptRecordException          bad CRC or lengths
     * @throws org.apache.kafka.common.errors.RecordTooLargeException          batch above max.message.bytes
     * @throws org.apache.kafka.common.errors.UnsupportedForMessageFormatException magic below 2
     * @throws org.apache.kafka.common.InvalidRecordException                  inconsistent header fields
     * @throws org.apache.kafka.common.errors.InvalidTimestampException        CreateTime outside the allowed range
     * @throws org.apache.kafka.common.errors.OutOfOrderSequenceException      sequence gap
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException    stale producer epoch
     * @throws org.apache.kafka.common.errors.TransactionCoordinatorFencedException marker from an older coordinator
     * @throws org.apache.kafka.common.errors.InvalidTxnStateException        non-transactional write in a transaction
     * @throws KafkaStorageException                                           I/O failure or closed log
     */
    public LogAppendResult appendAsLeader(MemoryRecords records, int leaderEpoch, AppendOrigin origin) {
        return appendAsLeader(records, leaderEpoch, origin, false);
    }

    /**
     * As {@link #appendAsLeader(MemoryRecords, int, AppendOrigin)}; with {@code deferFsync} a topic that
     * fsyncs each append is not fsynced here: the caller must {@link #flushTo} the result before it counts
     * the batch as committed. Deferring lets appends of several requests share one fsync.
     */
    public LogAppendResult appendAsLeader(MemoryRecords records, int leaderEpoch, AppendOrigin origin,
                                          boolean deferFsync) {
        return appendAsLeader(records, leaderEpoch, origin, deferFsync, VerificationGuard.UNCHECKED);
    }

    /**
     * As {@link #appendAsLeader(MemoryRecords, int, AppendOrigin, boolean)}, with KIP-890 verification unless
     * {@code guard} is {@link VerificationGuard#UNCHECKED}: a transactional batch that would start its producer's
     * transaction here needs the guard the producer state handed out and still holds.
     *
     * @throws org.apache.kafka.common.errors.InvalidTxnStateException the batch was not verified
     */
    public LogAppendResult appendAsLeader(MemoryRecords records, int leaderEpoch, AppendOrigin origin,
                                          boolean deferFsync, VerificationGuard guard) {
        LogConfig cfg = config;
        long now = time.milliseconds();
        BatchValidator.ValidatedBatch batch = BatchValidator.validate(records, cfg, now, origin);
        LogAppendResult result;
        appendLock.lock();
        try {
            lifecycle.ensureWritable();
            result = appender.appendAsLeader(batch, leaderEpoch, origin, cfg, now, guard);
        } catch (IOException | UncheckedIOException e) {
            throw storageError("append to", e);
        } finally {
            appendLock.unlock();
        }
        // With flush.messages=1 flushDue always holds; a deferred append leaves that fsync to its caller.
        if (cfg.fsyncEachAppend() ? !deferFsync : flushDue(cfg, now)) {
            groupCommit.flushTo(result.lastOffset() + 1, this::logEndOffset);
        }
        return result;
    }

    /**
     * Appends batches a follower fetched from its leader, byte for byte: their offsets, leader epochs and
     * timestamps are the leader's. Each batch is checked (magic v2, lengths, CRC) but not re-validated record
     * by record: the leader did that. Producer state and the leader epoch cache are rebuilt from the batches,
     * so this replica deduplicates idempotent retries once it leads. Batches the log already holds are skipped.
     * Not fsynced here: the follower makes them durable (per the topic's flush policy) before it reports the
     * new log end to the leader.
     *
     * @return the number of batches appended
     * @throws CorruptRecordException if a batch is malformed or starts below the log end (it may start above it:
     *                                 the leader's cleaner removes records, leaving offset gaps)
     * @throws KafkaStorageException  I/O failure or closed log
     */
    public int appendAsFollower(MemoryRecords records) {
        LogConfig cfg = config;
        long now = time.milliseconds();
        ReplicatedBatchReader batches = new ReplicatedBatchReader(topicPartition, records);
        int appended;
        appendLock.lock();
        try {
            lifecycle.ensureWritable();
            appended = appender.appendAsFollower(batches, cfg, now);
        } catch (IOException | UncheckedIOException e) {
            throw storageError("replicated append to", e);
        } finally {
            appendLock.unlock();
        }
        if (flushDue(cfg, now)) {
            groupCommit.flushTo(logEndOffset(), this::logEndOffset);
        }
        return appended;
    }

    /** Whether flush.messages or flush.ms asks for an fsync now. */
    private boolean flushDue(LogConfig cfg, long now) {
        return logEndOffset() - groupCommit.flushedOffset() >= cfg.flushMessages()
                || now - groupCommit.lastFlushMs() >= cfg.flushMs();
    }

    /**
     * Records that {@code leaderEpoch} starts at the current log end, as a new leader does before it appends
     * (so a follower of the previous epoch learns where that epoch ended), and returns that offset.
     */
    public long startLeaderEpoch(int leaderEpoch) {
        appendLock.lock();
        try {
            lifecycle.ensureWritable();
            long logEnd = offsets.logEnd();
            epochCache.assign(leaderEpoch, logEnd);
            return logEnd;
        } finally {
            appendLock.unlock();
        }
    }

    private KafkaStorageException storageError(String action, Exception e) {
        log.error("{}: I/O error on {}", topicPartition, action, e);
        return new KafkaStorageException("I/O error on " + action + " " + topicPartition + ": " + e.getMessage(), e);
    }

    // ---- durability ----

    /** Returns once everything below {@code offset} is fsynced (usually by a concurrent caller's fsync). */
    public void flushTo(long offset) {
        groupCommit.flushTo(Math.min(offset, logEndOffset()), this::logEndOffset);
    }

    /**
     * Completes once everything below {@code offset} is fsynced, without holding the caller's thread: the fsync
     * runs on {@code flushers} and covers every waiter of this log at once ({@link FlushWaiters}); a flush this
     * call starts is handed to {@code flushers} from {@code scheduleVia}. Completes on the flusher thread (or at
     * once if already durable); fails with {@link KafkaStorageException}.
     */
    public CompletableFuture<Void> flushToAsync(long offset, Executor flushers, Executor scheduleVia) {
        return flushWaiters.await(Math.min(offset, logEndOffset()), flushers, scheduleVia);
    }

    /** fsyncs everything written so far (log and indexes) and advances {@link #flushedOffset()}. */
    public void flush() {
        groupCommit.flushTo(logEndOffset(), this::logEndOffset);
        appendLock.lock();
        try {
            if (!lifecycle.isClosed()) {
                segments.active().flushIndexes();
            }
        } catch (IOException e) {
            throw storageError("flush of", e);
        } finally {
            appendLock.unlock();
        }
    }

    /** fsyncs if flush.ms has passed with unflushed data (driven by the log manager's background thread). */
    void flushIfDue(long nowMs) {
        if (lifecycle.isOpen() && logEndOffset() > groupCommit.flushedOffset()
                && nowMs - groupCommit.lastFlushMs() >= config.flushMs()) {
            groupCommit.flushTo(logEndOffset(), this::logEndOffset);
        }
    }

    /** Moves the high watermark forward, never backwards, clamped to the log end. */
    public void updateHighWatermark(long hw) {
        offsets.advanceHighWatermark(hw);
        // Forgets completed transactions whose marker is now committed (followers never ask for the LSO).
        producerState.firstUnstableOffset(offsets.highWatermark());
    }

    /** Writes the high watermark, recovery point and log start offset checkpoints if they changed. */
    public void checkpoint() {
        synchronized (checkpoints.lock()) {
            if (!lifecycle.isOpen()) {
                return;
            }
            try {
                checkpoints.write(highWatermark(), groupCommit.recoveryPoint(), logStartOffset());
            } catch (IOException e) {
                throw storageError("checkpoint of", e);
            }
        }
    }

    /** Forgets idle producers (Kafka's producer.id.expiration.ms). */
    public int removeExpiredProducers(long expirationMs) {
        appendLock.lock();
        try {
            return producerState.removeExpiredProducers(time.milliseconds(), expirationMs);
        } finally {
            appendLock.unlock();
        }
    }

    // ---- reads ----

    /**
     * Reads whole batches from the batch holding {@code startOffset}, up to {@code maxBytes} (the first
     * batch regardless if {@code minOneMessage}), ending below {@code maxOffsetExclusive}, within one segment.
     * A {@link io.strata.engine.log.segment.FileSlice} result holds a reference on its segment: the caller
     * releases it once sent or copied, so a segment deleted meanwhile stays open until then.
     *
     * @throws OffsetOutOfRangeException if startOffset is below the log start or above the log end (or its
     *                                   segment was deleted during the read)
     */
    public LogReadResult read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        try {
            return reads.read(startOffset, maxBytes, maxOffsetExclusive, minOneMessage);
        } catch (IOException | CorruptRecordException e) {
            throw storageError("read of", e);
        }
    }

    /** ListOffsets by timestamp: the first record with timestamp >= {@code timestamp}, or empty. */
    public Optional<OffsetAndEpoch> offsetForTimestamp(long timestamp) {
        try {
            return TimestampSearch.offsetForTimestamp(segments, timestamp);
        } catch (IOException | CorruptRecordException e) {
            throw storageError("timestamp lookup in", e);
        }
    }

    /** ListOffsets MAX_TIMESTAMP: the first record holding the largest timestamp, or empty for an empty log. */
    public Optional<OffsetAndEpoch> offsetOfMaxTimestamp() {
        try {
            return TimestampSearch.offsetOfMaxTimestamp(segments);
        } catch (IOException | CorruptRecordException e) {
            throw storageError("timestamp lookup in", e);
        }
    }

    // ---- truncation ----

    /**
     * Removes everything from {@code offset} on (the batch holding it included), fixing indexes, the leader
     * epoch cache, producer state, the high watermark and the flushed offset. Below the log start, the log
     * is emptied and restarts at {@code offset}.
     */
    public void truncateTo(long offset) {
        truncate(offset, false);
    }

    /**
     * Empties the log and restarts it at {@code offset}, which may lie beyond the log end: a follower whose
     * leader no longer holds the offsets it would fetch next.
     */
    public void truncateFullyAndStartAt(long offset) {
        truncate(offset, true);
    }

    private void truncate(long offset, boolean restart) {
        appendLock.lock();
        try {
            lifecycle.ensureWritable();
            truncation.truncate(offset, restart);
        } catch (IOException | UncheckedIOException e) {
            throw storageError("truncation of", e);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * The log cleaner's swap: installs the cleaned segment whose {@code .swap} files (based at the first
     * replaced segment's base offset, covering exactly the replaced offsets) are complete and fsynced, in place
     * of {@code replaced} (consecutive inactive segments, oldest first). Readers see the old segments or the new
     * one, never a gap: the new segment takes the first one's key before the others leave the map.
     *
     * @return false, changing nothing, if a replaced segment is no longer in the log (retention, truncation or
     *         deletion got there first); the caller then deletes the swap files
     */
    public boolean replaceSegments(long cleanedBase, List<LogSegment> replaced) {
        appendLock.lock();
        try {
            if (!lifecycle.isOpen() || replaced.isEmpty() || replaced.get(0).baseOffset() != cleanedBase
                    || !replaced.stream().allMatch(s -> segments.floor(s.baseOffset()) == s && s != segments.active())) {
                return false;
            }
            groupCommit.exclusive(() -> {
                // The old files go .deleted first (the new ones take their names), but stay mapped until the
                // cleaned segment takes their place, and open for the reads holding them.
                segmentDeletion.renameAndScheduleDeletion(replaced, config.fileDeleteDelayMs());
                CleanedSegmentSwap.install(dir(), cleanedBase, config, time, segments, replaced);
                groupCommit.truncated(logEndOffset()); // forgets replaced segments awaiting an index flush
            });
            return true;
        } catch (IOException | UncheckedIOException e) {
            throw storageError("segment swap in", e);
        } finally {
            appendLock.unlock();
        }
    }

    // ---- log start offset and retention ----

    /**
     * Moves the log start offset forward to {@code offset} (DeleteRecords on the leader, a follower adopting its
     * leader's start): reads below it get OFFSET_OUT_OF_RANGE, the epoch cache drops what lies below it, and it
     * is checkpointed before this returns. Never backwards; segments wholly below it go at the next retention pass.
     *
     * @return whether it moved
     * @throws OffsetOutOfRangeException if {@code offset} is above the high watermark
     */
    public boolean maybeIncrementLogStartOffset(long offset, LogStartOffsetReason reason) {
        appendLock.lock();
        try {
            lifecycle.ensureWritable();
            return retention.maybeIncrementLogStartOffset(offset, reason);
        } catch (IOException e) {
            throw storageError("log start offset checkpoint of", e);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * One retention pass ({@link RetentionPlanner}): deletes the oldest segments that retention.ms, retention.bytes
     * or the log start offset let go, rolling a non-empty active segment first when it goes too, and never
     * anything at or above the high watermark. The log start offset advances to the new first segment.
     *
     * @return what was deleted ({@link RetentionPlan#NOTHING} if nothing)
     */
    public RetentionPlan deleteOldSegments(long nowMs) {
        appendLock.lock();
        try {
            if (!lifecycle.isOpen()) {
                return RetentionPlan.NOTHING;
            }
            return retention.deleteOldSegments(nowMs);
        } catch (IOException | UncheckedIOException e) {
            throw storageError("retention of", e);
        } finally {
            appendLock.unlock();
        }
    }

    // ---- lifecycle ----

    /** Graceful close ({@link #closeGracefully()}), not recording where the log ended. */
    @Override
    public void close() {
        closeGracefully();
    }

    /**
     * Graceful close: flush, snapshot producer state, write checkpoints. Returns the log end offset if all of
     * that succeeded (for the caller to record, see {@link #open(Path, TopicPartition, Uuid, LogConfig, Time,
     * ScheduledExecutorService, FillAhead, OptionalLong)}), empty if it failed or the log was already closed.
     */
    public OptionalLong closeGracefully() {
        appendLock.lock();
        try {
            return lifecycle.close();
        } finally {
            appendLock.unlock();
        }
    }

    /** Crash simulation: closes file handles without flushing or checkpointing anything. */
    public void closeWithoutFlush() {
        appendLock.lock();
        try {
            lifecycle.closeWithoutFlush();
        } finally {
            appendLock.unlock();
        }
    }

    /** Closes the log and deletes its directory. */
    public void delete() {
        appendLock.lock();
        try {
            lifecycle.delete();
        } catch (IOException e) {
            throw storageError("deletion of", e);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Renames the directory (to a {@code -delete} name) and stops accepting appends; reads in flight keep
     * working on the open files until {@link #delete()}.
     */
    void renameDirForDeletion(Path target) throws IOException {
        appendLock.lock();
        try {
            lifecycle.renameDirForDeletion(target);
        } finally {
            appendLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", start=" + logStartOffset() + ", end=" + logEndOffset()
                + ", hw=" + highWatermark() + ")";
    }
}
