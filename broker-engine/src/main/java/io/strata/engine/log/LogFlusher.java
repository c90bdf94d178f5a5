package io.strata.engine.log;

import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * fsync for one log, outside its append lock. Callers wanting offsets below some target durable queue on
 * one monitor; whoever holds it fsyncs everything written so far, so the threads behind it usually find
 * their data already covered and return without another fsync (group commit).
 *
 * <p>It also tracks what a crash would need redone: rolled segments whose indexes are final but not yet
 * fsynced, and whether the directory gained a file. {@link #recoveryPoint()} is the offset below which log
 * data and indexes are both durable.
 *
 * <p>Threading: {@link #flushTo} and {@link #exclusive} hold the monitor; the offsets are volatile.
 */
final class LogFlusher implements FlushWaiters.GroupCommit {
    /** An action run while no fsync is in progress. */
    interface IoAction {
        void run() throws IOException;
    }

    private final LogSegments segments;
    private final Time time;
    private final Supplier<Path> dir;
    private final FlushStats stats;
    private final ConcurrentLinkedQueue<LogSegment> rolledUnflushed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean dirDirty = new AtomicBoolean();
    private volatile long flushedOffset;
    private volatile long lastFlushMs;
    /** Guarded by this. */
    private boolean closed;

    LogFlusher(LogSegments segments, Time time, Supplier<Path> dir, long flushedOffset, FlushStats stats) {
        this.segments = segments;
        this.time = time;
        this.dir = dir;
        this.stats = stats;
        this.flushedOffset = flushedOffset;
        this.lastFlushMs = time.milliseconds();
    }

    @Override
    public long flushedOffset() {
        return flushedOffset;
    }

    long lastFlushMs() {
        return lastFlushMs;
    }

    /** Called under the append lock when {@code previous} stops being the active segment. */
    void onRoll(LogSegment previous) {
        dirDirty.set(true);
        rolledUnflushed.add(previous);
    }

    /**
     * Returns once everything below {@code target} is fsynced. {@code logEnd} is read after the monitor is
     * taken: all bytes below it are written, and segments created later start at or above it.
     */
    @Override
    public void flushTo(long target, LongSupplier logEnd) {
        if (flushedOffset >= target) {
            return;
        }
        synchronized (this) {
            if (flushedOffset >= target) {
                return;
            }
            if (closed) {
                throw new KafkaStorageException("Log is closed; cannot fsync");
            }
            long end = logEnd.getAsLong();
            long startNanos = System.nanoTime();
            try {
                List<LogSegment> rolled = new ArrayList<>();
                for (LogSegment s = rolledUnflushed.poll(); s != null; s = rolledUnflushed.poll()) {
                    rolled.add(s);
                }
                Set<LogSegment> toSync = new LinkedHashSet<>(rolled);
                for (LogSegment s : segments.from(flushedOffset)) {
                    if (s.baseOffset() >= end) {
                        break;
                    }
                    toSync.add(s);
                }
                for (LogSegment s : toSync) {
                    s.flushLog();
                }
                for (LogSegment s : rolled) {
                    s.flushIndexes();
                }
                if (dirDirty.getAndSet(false)) {
                    Utils.flushDir(dir.get());
                }
                if (!toSync.isEmpty()) {
                    stats.recordPass(System.nanoTime() - startNanos);
                }
            } catch (IOException e) {
                throw new KafkaStorageException("fsync failed: " + e.getMessage(), e);
            }
            flushedOffset = Math.max(flushedOffset, end);
            lastFlushMs = time.milliseconds();
        }
    }

    /** Offset below which data and indexes are durable: recovery after a crash starts there. */
    long recoveryPoint() {
        long point = flushedOffset;
        LogSegment pendingIndexes = rolledUnflushed.peek();
        return pendingIndexes == null ? point : Math.min(point, pendingIndexes.baseOffset());
    }

    /** Runs {@code action} with no fsync in progress (truncation, close, deletion). */
    synchronized void exclusive(IoAction action) throws IOException {
        action.run();
    }

    /** After truncation to {@code end} (inside {@link #exclusive}): forgets removed segments, rewinds the flushed offset. */
    synchronized void truncated(long end) {
        rolledUnflushed.removeIf(s -> !segments.all().contains(s) || s == segments.active());
        flushedOffset = Math.min(flushedOffset, end);
    }

    /** The log was emptied and restarted at {@code start} (its new segment is fsynced): nothing is unflushed. */
    synchronized void restarted(long start) {
        rolledUnflushed.clear();
        flushedOffset = start;
    }

    /** No fsync may start after this. */
    synchronized void close() {
        closed = true;
    }
}
