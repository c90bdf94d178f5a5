package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.log.checkpoint.PartitionMetadataFile;
import io.strata.engine.log.producer.ProducerStateManager;
import io.strata.engine.log.retention.RetentionPlan;
import io.strata.engine.log.retention.RetentionPlanner;
import io.strata.engine.log.retention.SegmentInfo;
import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import io.strata.engine.log.segment.OffsetAndEpoch;
import io.strata.engine.log.segment.TimestampSearch;
import io.strata.engine.log.validation.AppendOrigin;
import io.strata.engine.metrics.LogGauges;
import io.strata.engine.log.validation.BatchValidator;
import io.strata.engine.log.producer.ProducerStateManager.ProducerBatch;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable log of one partition: segments on disk, the leader epoch cache, producer state, and the
 * high watermark.
 *
 * <p>Concurrency:
 * <ul>
 *   <li>Appends, rolls, truncation and close are serialized by {@code appendLock}. Validation (CRC, sizes)
 *       runs before taking it.</li>
 *   <li>fsync runs outside the append lock, as a group commit ({@link LogFlusher}): one thread fsyncs
 *       everything written so far while later appenders queue behind it, and each of them returns at once
 *       if the fsync it waited for already covered its batch.</li>
 *   <li>Reads (fetch, timestamp lookups) take no lock. A segment publishes its size (volatile) after the
 *       bytes and index entries are written, and the log end offset is published after that, so a reader
 *       bounded by the log end or high watermark never sees a partial batch.</li>
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
 * </ul>
 * The high watermark only moves forward, under its own small lock.
 * Lock order: appendLock, then the group commit monitor, then the checkpoint lock.
 */
public final class PartitionLog implements Closeable, LogGauges.LogStats {
    private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);

    private enum State { OPEN, DELETED, CLOSED }

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Time time;
    private final LogSegments segments;
    private final LeaderEpochCache epochCache;
    private final ProducerStateManager producerState;
    private final SegmentDeletion segmentDeletion;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final LogFlusher groupCommit;
    private final LogCheckpoints checkpoints;
    /** Makes high watermark moves atomic (read-compare-write) without waiting for checkpoint I/O. */
    private final Object highWatermarkLock = new Object();

    private volatile Path dir;
    private volatile LogConfig config;
    private volatile State state = State.OPEN;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long highWatermark;

    private PartitionLog(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, Time time, LogLoader.Loaded loaded,
                         ScheduledExecutorService deletionScheduler) {
        this.dir = dir;
        this.topicPartition = tp;
        this.topicId = topicId;
        this.config = config;
        this.time = time;
        this.segments = loaded.segments();
        this.epochCache = loaded.epochCache();
        this.producerState = loaded.producerState();
        this.logStartOffset = loaded.logStartOffset();
        this.segmentDeletion = new SegmentDeletion(tp, deletionScheduler);
        this.checkpoints = new LogCheckpoints(this::dir, () -> state == State.DELETED);
        this.logEndOffset = loaded.logEndOffset();
        this.highWatermark = loaded.highWatermark();
        // Everything loaded was fsynced by recovery (or trusted after a clean close).
        this.groupCommit = new LogFlusher(segments, time, this::dir, loaded.logEndOffset());
    }

    /** Opens the log with no deletion delay: deleted segments go as soon as no reader holds them. */
    public static PartitionLog open(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, Time time)
            throws IOException {
        return open(dir, tp, topicId, config, time, null);
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, running recovery. Deleted segments' files are removed
     * on {@code deletionScheduler} after file.delete.delay.ms.
     */
    public static PartitionLog open(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, Time time,
                                    ScheduledExecutorService deletionScheduler) throws IOException {
        Files.createDirectories(dir);
        Optional<Uuid> stored;
        try {
            stored = PartitionMetadataFile.read(dir);
        } catch (IOException e) {
            log.warn("{}: rewriting unreadable partition metadata: {}", tp, e.getMessage());
            stored = Optional.empty();
        }
        if (stored.isPresent() && !stored.get().equals(topicId)) {
            throw new InconsistentTopicIdException("Directory " + dir + " belongs to topic id " + stored.get()
                    + ", not " + topicId);
        }
        if (stored.isEmpty()) {
            PartitionMetadataFile.write(dir, topicId);
        }
        LogLoader.Loaded loaded = LogLoader.load(dir, tp, config, time);
        PartitionLog partitionLog = new PartitionLog(dir, tp, topicId, config, time, loaded, deletionScheduler);
        log.info("Opened {} ({}): log start {}, log end {}, high watermark {}, {} segment(s){}", tp, dir.getFileName(),
                partitionLog.logStartOffset, partitionLog.logEndOffset, partitionLog.highWatermark,
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
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    public void updateConfig(LogConfig config) {
        this.config = config;
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return logEndOffset;
    }

    public long highWatermark() {
        return highWatermark;
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
     * the original offsets come back with {@code duplicate} set. Coordinators may also write control batches.
     *
     * @throws org.apache.kafka.common.errors.CorruptRecordException          bad CRC or lengths
     * @throws org.apache.kafka.common.errors.RecordTooLargeException          batch above max.message.bytes
     * @throws org.apache.kafka.common.errors.UnsupportedForMessageFormatException magic below 2
     * @throws org.apache.kafka.common.InvalidRecordException                  inconsistent header fields
     * @throws org.apache.kafka.common.errors.InvalidTimestampException        CreateTime outside the allowed range
     * @throws org.apache.kafka.common.errors.OutOfOrderSequenceException      sequence gap
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException    stale producer epoch
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
        LogConfig cfg = config;
        long now = time.milliseconds();
        BatchValidator.ValidatedBatch batch = BatchValidator.validate(records, cfg, now, origin);
        LogAppendResult result;
        appendLock.lock();
        try {
            ensureWritable();
            Optional<ProducerBatch> duplicate = producerState.findDuplicate(batch.header());
            if (duplicate.isPresent()) {
                result = duplicateResult(duplicate.get(), batch.header(), cfg);
            } else {
                producerState.validate(batch.header(), origin, logStartOffset);
                result = write(batch, leaderEpoch, cfg, now);
            }
        } catch (IOException | UncheckedIOException e) {
            throw storageError("append to", e);
        } finally {
            appendLock.unlock();
        }
        if ((cfg.fsyncEachAppend() && !deferFsync) || logEndOffset - groupCommit.flushedOffset() >= cfg.flushMessages()
                || now - groupCommit.lastFlushMs() >= cfg.flushMs()) {
            groupCommit.flushTo(result.lastOffset() + 1, this::logEndOffset);
        }
        return result;
    }

    private LogAppendResult write(BatchValidator.ValidatedBatch batch, int leaderEpoch, LogConfig cfg, long now)
            throws IOException {
        long firstOffset = logEndOffset;
        BatchHeader stored = OffsetAssigner.assign(batch, firstOffset, leaderEpoch, cfg.timestampType(), now);
        LogSegment active = segments.active();
        if (active.shouldRoll(stored.sizeInBytes(), stored.lastOffset(), now, cfg)) {
            active = roll(firstOffset, cfg);
        }
        epochCache.assign(leaderEpoch, firstOffset);
        active.append(batch.buffer(), stored, cfg.indexIntervalBytes(), now);
        producerState.update(stored, now);
        logEndOffset = stored.nextOffset(); // publishes the batch to readers
        boolean logAppendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME;
        return new LogAppendResult(firstOffset, stored.lastOffset(), logAppendTime ? now : RecordBatch.NO_TIMESTAMP,
                logStartOffset, stored.recordCount(), (int) stored.sizeInBytes(), false);
    }

    private LogAppendResult duplicateResult(ProducerBatch original, BatchHeader retry, LogConfig cfg) {
        log.debug("{}: producer {} retried sequences {}..{}, already at offsets {}..{}", topicPartition,
                retry.producerId(), original.firstSequence(), original.lastSequence(), original.firstOffset(),
                original.lastOffset());
        long appendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? original.timestamp()
                : RecordBatch.NO_TIMESTAMP;
        return new LogAppendResult(original.firstOffset(), original.lastOffset(), appendTime, logStartOffset,
                (int) (original.lastOffset() - original.firstOffset() + 1), (int) retry.sizeInBytes(), true);
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
        int appended = 0;
        appendLock.lock();
        try {
            ensureWritable();
            ReplicatedBatchReader.Batch batch;
            while ((batch = batches.next()) != null) {
                BatchHeader header = batch.header();
                if (header.lastOffset() < logEndOffset) {
                    continue;
                }
                if (header.baseOffset() < logEndOffset) { // above it is a gap the leader's cleaner left: fine
                    throw new CorruptRecordException(topicPartition + ": replicated batch starts at offset "
                            + header.baseOffset() + " inside the log, which ends at " + logEndOffset);
                }
                LogSegment active = segments.active();
                if (active.shouldRoll(batch.size(), header.lastOffset(), now, cfg)) {
                    active = roll(header.baseOffset(), cfg);
                }
                epochCache.assign(header.partitionLeaderEpoch(), header.baseOffset());
                active.append(batch.buffer(), header, cfg.indexIntervalBytes(), now);
                producerState.update(header, now);
                logEndOffset = header.nextOffset();
                appended++;
            }
        } catch (IOException | UncheckedIOException e) {
            throw storageError("replicated append to", e);
        } finally {
            appendLock.unlock();
        }
        if (logEndOffset - groupCommit.flushedOffset() >= cfg.flushMessages()
                || now - groupCommit.lastFlushMs() >= cfg.flushMs()) {
            groupCommit.flushTo(logEndOffset, this::logEndOffset);
        }
        return appended;
    }

    /**
     * Records that {@code leaderEpoch} starts at the current log end, as a new leader does before it appends
     * (so a follower of the previous epoch learns where that epoch ended), and returns that offset.
     */
    public long startLeaderEpoch(int leaderEpoch) {
        appendLock.lock();
        try {
            ensureWritable();
            epochCache.assign(leaderEpoch, logEndOffset);
            return logEndOffset;
        } finally {
            appendLock.unlock();
        }
    }

    /** Starts a new active segment at {@code baseOffset}. Caller holds the append lock. */
    private LogSegment roll(long baseOffset, LogConfig cfg) throws IOException {
        LogSegment previous = segments.active();
        previous.onBecomeInactive();
        producerState.takeSnapshot(baseOffset);
        LogSegment next = LogSegment.create(dir, baseOffset, cfg);
        groupCommit.onRoll(previous);
        segments.add(next);
        log.debug("{}: rolled to a new segment at offset {}", topicPartition, baseOffset);
        return next;
    }

    private void ensureWritable() {
        State s = state;
        if (s == State.DELETED) {
            throw new NotLeaderOrFollowerException("Log of " + topicPartition + " has been deleted");
        }
        if (s == State.CLOSED) {
            throw new KafkaStorageException("Log of " + topicPartition + " is closed");
        }
    }

    private KafkaStorageException storageError(String action, Exception e) {
        log.error("{}: I/O error on {}", topicPartition, action, e);
        return new KafkaStorageException("I/O error on " + action + " " + topicPartition + ": " + e.getMessage(), e);
    }

    // ---- durability ----

    /** Returns once everything below {@code offset} is fsynced (usually by a concurrent caller's fsync). */
    public void flushTo(long offset) {
        groupCommit.flushTo(Math.min(offset, logEndOffset), this::logEndOffset);
    }

    /** fsyncs everything written so far (log and indexes) and advances {@link #flushedOffset()}. */
    public void flush() {
        groupCommit.flushTo(logEndOffset, this::logEndOffset);
        appendLock.lock();
        try {
            if (state != State.CLOSED) {
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
        if (state == State.OPEN && logEndOffset > groupCommit.flushedOffset()
                && nowMs - groupCommit.lastFlushMs() >= config.flushMs()) {
            groupCommit.flushTo(logEndOffset, this::logEndOffset);
        }
    }

    /** Moves the high watermark forward, never backwards, clamped to the log end. */
    public void updateHighWatermark(long hw) {
        synchronized (highWatermarkLock) {
            long clamped = Math.min(hw, logEndOffset);
            if (clamped > highWatermark) {
                highWatermark = clamped;
            }
        }
    }

    /** Writes the high watermark, recovery point and log start offset checkpoints if they changed. */
    public void checkpoint() {
        synchronized (checkpoints.lock()) {
            if (state != State.OPEN) {
                return;
            }
            try {
                checkpoints.write(highWatermark, groupCommit.recoveryPoint(), logStartOffset);
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
        long start = logStartOffset;
        long end = logEndOffset;
        long hw = highWatermark;
        if (startOffset < start || startOffset > end) {
            throw new OffsetOutOfRangeException("Offset " + startOffset + " is out of range for " + topicPartition
                    + ": log start " + start + ", log end " + end);
        }
        long limit = Math.min(maxOffsetExclusive, end);
        if (startOffset >= limit) {
            return new LogReadResult(MemoryRecords.EMPTY, 0, startOffset, hw, start, end);
        }
        try {
            LogReader.Slice slice = LogReader.read(segments, startOffset, maxBytes, limit, minOneMessage);
            if (slice == null) { // its segment was deleted under the read; the log start moved past it before
                throw new OffsetOutOfRangeException("Offset " + startOffset + " is out of range for "
                        + topicPartition + ": its segment was deleted; log start " + logStartOffset);
            }
            return new LogReadResult(slice.records(), slice.recordCount(), slice.nextOffset(), hw, start, end);
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
            ensureWritable();
            if (offset >= logEndOffset && !restart) {
                return;
            }
            long oldEnd = logEndOffset;
            groupCommit.exclusive(() -> {
                if (restart || offset < logStartOffset) {
                    restartAt(offset);
                } else {
                    for (LogSegment s : segments.above(offset)) {
                        segments.remove(s.baseOffset());
                        s.delete();
                    }
                    segments.active().truncateTo(offset);
                }
                LogSegment active = segments.active();
                active.flushLog();
                active.flushIndexes();
                Utils.flushDir(dir);
                logEndOffset = active.nextOffset();
                if (restart) {
                    groupCommit.restarted(logEndOffset);
                } else {
                    groupCommit.truncated(logEndOffset);
                }
            });
            long end = logEndOffset;
            epochCache.truncateFromEnd(end);
            producerState.deleteSnapshotsAbove(end);
            long replayFrom = producerState.loadSnapshot(end).orElse(logStartOffset);
            LogLoader.replay(producerState, segments, replayFrom, time.milliseconds());
            synchronized (highWatermarkLock) {
                highWatermark = Math.min(highWatermark, end);
            }
            synchronized (checkpoints.lock()) {
                checkpoints.write(highWatermark, groupCommit.recoveryPoint(), logStartOffset);
            }
            log.info("{}: truncated from log end {} to {}", topicPartition, oldEnd, end);
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
            if (state != State.OPEN || replaced.isEmpty() || replaced.get(0).baseOffset() != cleanedBase
                    || !replaced.stream().allMatch(s -> segments.floor(s.baseOffset()) == s && s != segments.active())) {
                return false;
            }
            groupCommit.exclusive(() -> {
                // The old files go .deleted first (the new ones take their names), but stay mapped until the
                // cleaned segment takes their place, and open for the reads holding them.
                segmentDeletion.renameAndScheduleDeletion(replaced, config.fileDeleteDelayMs());
                CleanedSegmentSwap.install(dir, cleanedBase, config, time, segments, replaced);
                groupCommit.truncated(logEndOffset); // forgets replaced segments awaiting an index flush
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
            ensureWritable();
            if (offset > highWatermark) {
                throw new OffsetOutOfRangeException("Cannot move the log start offset of " + topicPartition + " to "
                        + offset + ": above the high watermark " + highWatermark);
            }
            if (offset <= logStartOffset) {
                return false;
            }
            advanceLogStartOffset(offset);
            log.info("{}: log start offset moved to {} ({})", topicPartition, offset, reason);
            return true;
        } catch (IOException e) {
            throw storageError("log start offset checkpoint of", e);
        } finally {
            appendLock.unlock();
        }
    }

    /** Caller holds the append lock. */
    private void advanceLogStartOffset(long offset) throws IOException {
        logStartOffset = offset;
        epochCache.truncateFromStart(offset);
        synchronized (checkpoints.lock()) {
            checkpoints.writeLogStartOffset(offset);
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
            if (state != State.OPEN) {
                return RetentionPlan.NOTHING;
            }
            LogConfig cfg = config;
            List<LogSegment> all = new ArrayList<>(segments.all());
            List<SegmentInfo> infos = new ArrayList<>(all.size());
            for (LogSegment s : all) {
                infos.add(new SegmentInfo(s.baseOffset(), s.nextOffset(), s.sizeInBytes(), s.largestTimestamp()));
            }
            RetentionPlan plan = RetentionPlanner.plan(infos, logStartOffset, logEndOffset, highWatermark, cfg, nowMs);
            if (!plan.deletesAnything()) {
                return plan;
            }
            if (plan.segments() == all.size()) {
                roll(logEndOffset, cfg); // the active segment goes too: appends continue in a new one
            }
            removeSegments(all.subList(0, plan.segments()), plan.reason().tag());
            return plan;
        } catch (IOException | UncheckedIOException e) {
            throw storageError("retention of", e);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Takes inactive segments (a prefix of the log) out and hands them to {@link SegmentDeletion}; the log start
     * moves to the first remaining segment first, so a read that finds a segment closed can report it out of
     * range. Producer snapshots below the new start go too. Caller holds the append lock.
     */
    private void removeSegments(List<LogSegment> doomed, String why) throws IOException {
        LogSegment firstKept = segments.next(doomed.get(doomed.size() - 1).baseOffset());
        long newStart = Math.max(logStartOffset, firstKept.baseOffset());
        logStartOffset = newStart; // before the segments can close (checkpointed below)
        groupCommit.exclusive(() -> {
            segmentDeletion.removeAndScheduleDeletion(segments, doomed, config.fileDeleteDelayMs());
            Utils.flushDir(dir);
            groupCommit.truncated(logEndOffset); // forgets deleted segments awaiting an index flush
        });
        advanceLogStartOffset(newStart);
        producerState.deleteSnapshotsBelow(firstKept.baseOffset());
        log.info("{}: deleted {} segment(s) ({}); log start is now {}", topicPartition, doomed.size(), why,
                logStartOffset);
    }

    private void restartAt(long offset) throws IOException {
        for (LogSegment s : new ArrayList<>(segments.all())) {
            segments.remove(s.baseOffset());
            s.delete();
        }
        segments.add(LogSegment.create(dir, offset, config));
        logStartOffset = offset;
        epochCache.truncateFromStart(offset);
    }

    // ---- lifecycle ----

    /** Graceful close: flush, snapshot producer state, write checkpoints and the clean-shutdown marker. */
    @Override
    public void close() {
        appendLock.lock();
        try {
            if (state != State.OPEN) {
                closeSegments();
                return;
            }
            try {
                groupCommit.flushTo(logEndOffset, this::logEndOffset);
                LogSegment active = segments.active();
                active.onBecomeInactive();
                active.flushLog();
                active.flushIndexes();
                producerState.takeSnapshot(logEndOffset);
                synchronized (checkpoints.lock()) {
                    checkpoints.write(highWatermark, logEndOffset, logStartOffset);
                    checkpoints.writeCleanShutdownMarker(logEndOffset);
                    state = State.CLOSED;
                }
            } catch (IOException | RuntimeException e) {
                log.error("{}: graceful close failed; the next start will recover the log", topicPartition, e);
            } finally {
                state = State.CLOSED;
                groupCommit.close();
                closeSegments();
            }
        } finally {
            appendLock.unlock();
        }
    }

    /** Crash simulation: closes file handles without flushing or checkpointing anything. */
    public void closeWithoutFlush() {
        appendLock.lock();
        try {
            groupCommit.close(); // waits for an fsync in progress
            state = State.CLOSED;
            closeSegments();
        } finally {
            appendLock.unlock();
        }
    }

    /** Closes the log and deletes its directory. */
    public void delete() {
        appendLock.lock();
        try {
            groupCommit.close();
            synchronized (checkpoints.lock()) {
                state = State.DELETED;
            }
            closeSegments();
            Utils.delete(dir.toFile());
            log.info("Deleted log of {} in {}", topicPartition, dir);
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
            groupCommit.exclusive(() -> {
                synchronized (checkpoints.lock()) {
                    Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
                    dir = target;
                    state = State.DELETED;
                }
            });
            Utils.flushDir(target.getParent());
        } finally {
            appendLock.unlock();
        }
    }

    private void closeSegments() {
        for (LogSegment segment : segments.all()) {
            segment.closeQuietly();
        }
        segmentDeletion.closeAll();
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", start=" + logStartOffset + ", end=" + logEndOffset
                + ", hw=" + highWatermark + ")";
    }
}
