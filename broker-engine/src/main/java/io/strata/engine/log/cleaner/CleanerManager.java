package io.strata.engine.log.cleaner;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.log.segment.LogSegment;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Which log to clean next, and the bookkeeping around cleans (Kafka's {@code LogCleanerManager}): the log
 * with the highest dirty ratio above its {@code min.cleanable.dirty.ratio}, or one whose oldest dirty record
 * passed {@code max.compaction.lag.ms}, among logs whose {@code cleanup.policy} contains compact. A log is
 * cleaned by one thread at a time ("in progress"); cleaning of a log can be aborted and paused (while it is
 * truncated or deleted) and resumed; a log whose clean failed unexpectedly is "uncleanable" until it is
 * re-opened (a new {@link PartitionLog}). First dirty offsets come from each log's cleaner checkpoint.
 *
 * <p>The first uncleanable offset is the minimum of the active segment's base offset, the high watermark
 * (records above it may still be truncated), the flushed offset, the first unstable offset (an open
 * transaction; the last stable offset once transactions exist) and the base offset of the first dirty
 * segment with a record newer than {@code min.compaction.lag.ms}.
 *
 * <p>Threading: every method is synchronized on this; cleaner threads wait on it for an abort to finish.
 * Lock order: this, then (inside a log's methods) the log's own locks.
 */
final class CleanerManager {
    private static final Logger log = LoggerFactory.getLogger(CleanerManager.class);

    private final Time time;
    private final Map<TopicPartition, PartitionLog> inProgress = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Set<TopicPartition> aborting = new HashSet<>();
    /** Identity-keyed (PartitionLog does not override equals); a re-created log starts fresh. */
    private final Set<PartitionLog> uncleanable = Collections.newSetFromMap(new WeakHashMap<>());
    private final Map<PartitionLog, Long> checkpoints = new WeakHashMap<>();
    private volatile double maxDirtyRatio;

    CleanerManager(Time time) {
        this.time = time;
    }

    /** The highest dirty ratio seen in the last selection pass (metric). */
    double maxDirtyRatio() {
        return maxDirtyRatio;
    }

    /** Picks the filthiest cleanable log and marks it in progress, or returns empty. */
    synchronized Optional<CleanableLog> grabFilthiestLog(Collection<PartitionLog> logs) {
        long now = time.milliseconds();
        CleanableLog best = null;
        double maxRatio = 0;
        for (PartitionLog partitionLog : logs) {
            TopicPartition tp = partitionLog.topicPartition();
            if (!partitionLog.config().compact() || inProgress.containsKey(tp) || paused.contains(tp)
                    || uncleanable.contains(partitionLog)) {
                continue;
            }
            Optional<CleanableLog> candidate;
            try {
                candidate = cleanable(partitionLog, now);
            } catch (IOException | RuntimeException e) {
                log.debug("{}: skipped by the cleaner this time: {}", tp, e.toString());
                continue;
            }
            if (candidate.isEmpty()) {
                continue;
            }
            CleanableLog c = candidate.get();
            maxRatio = Math.max(maxRatio, c.dirtyRatio());
            boolean eligible = c.forced() || c.dirtyRatio() >= partitionLog.config().minCleanableDirtyRatio();
            if (eligible && (best == null || score(c) > score(best))) {
                best = c;
            }
        }
        maxDirtyRatio = maxRatio;
        if (best != null) {
            inProgress.put(best.log().topicPartition(), best.log());
        }
        return Optional.ofNullable(best);
    }

    /** Forced logs first (their lag is a promise), then by dirty ratio. */
    private static double score(CleanableLog c) {
        return (c.forced() ? 2 : 0) + c.dirtyRatio();
    }

    /** Where a log stands; empty when nothing in it can be cleaned now. Package-private for tests. */
    Optional<CleanableLog> cleanable(PartitionLog partitionLog, long now) throws IOException {
        LogConfig cfg = partitionLog.config();
        List<LogSegment> segments = partitionLog.segmentsSnapshot();
        if (segments.size() < 2) {
            return Optional.empty();
        }
        LogSegment active = segments.get(segments.size() - 1);
        long logStart = partitionLog.logStartOffset();
        long firstDirty = firstDirtyOffset(partitionLog, logStart, active.baseOffset());
        long firstUncleanable = Math.min(active.baseOffset(),
                Math.min(partitionLog.highWatermark(), partitionLog.flushedOffset()));
        OptionalLong unstable = partitionLog.producerState().firstUnstableOffset();
        if (unstable.isPresent()) {
            firstUncleanable = Math.min(firstUncleanable, unstable.getAsLong());
        }
        if (cfg.minCompactionLagMs() > 0) {
            for (LogSegment s : segments) {
                if (s == active || s.baseOffset() >= firstUncleanable) {
                    break;
                }
                if (s.nextOffset() > firstDirty && SegmentFacts.largestTimestamp(s) > now - cfg.minCompactionLagMs()) {
                    firstUncleanable = Math.min(firstUncleanable, Math.max(s.baseOffset(), firstDirty));
                    break;
                }
            }
        }
        if (firstDirty >= firstUncleanable) {
            return Optional.empty();
        }
        long cleanBytes = 0;
        long cleanableBytes = 0;
        boolean forced = false;
        for (LogSegment s : segments) {
            if (s == active || s.baseOffset() >= firstUncleanable) {
                break;
            }
            long size = SegmentFacts.size(s);
            if (s.nextOffset() <= firstDirty) {
                cleanBytes += size;
            } else {
                cleanableBytes += size;
                if (!forced && cfg.maxCompactionLagMs() < Long.MAX_VALUE && s.baseOffset() <= firstDirty) {
                    long ts = SegmentFacts.timestampAt(s, firstDirty);
                    forced = ts != RecordBatch.NO_TIMESTAMP && ts >= 0 && now - ts > cfg.maxCompactionLagMs();
                }
            }
        }
        if (cleanableBytes == 0) {
            return Optional.empty();
        }
        return Optional.of(new CleanableLog(partitionLog, firstDirty, firstUncleanable, cleanBytes, cleanableBytes,
                forced));
    }

    /** The checkpoint, unless it lies outside the log (truncation, retention): then the log start. */
    private long firstDirtyOffset(PartitionLog partitionLog, long logStart, long activeBase) {
        Long cached = checkpoints.get(partitionLog);
        long checkpoint = cached != null ? cached
                : CleanerCheckpoint.read(partitionLog.dir()).orElse(logStart);
        checkpoints.put(partitionLog, checkpoint);
        return checkpoint < logStart || checkpoint > activeBase ? logStart : checkpoint;
    }

    /** A clean ended; {@code cleanedTo} (if present) becomes the log's first dirty offset. */
    synchronized void doneCleaning(PartitionLog partitionLog, OptionalLong cleanedTo) {
        TopicPartition tp = partitionLog.topicPartition();
        if (cleanedTo.isPresent()) {
            checkpoints.put(partitionLog, cleanedTo.getAsLong());
            try {
                CleanerCheckpoint.write(partitionLog.dir(), cleanedTo.getAsLong());
            } catch (IOException e) {
                log.warn("{}: cannot write the cleaner checkpoint; the next clean starts earlier", tp, e);
            }
        }
        if (inProgress.get(tp) == partitionLog) {
            inProgress.remove(tp);
        }
        aborting.remove(tp);
        notifyAll();
    }

    /** A clean failed in a way retrying will not fix: skip the log until it is re-opened. */
    synchronized void markUncleanable(PartitionLog partitionLog) {
        uncleanable.add(partitionLog);
    }

    /** Whether the clean in progress of {@code tp} must stop (it was aborted). */
    synchronized boolean isAborted(TopicPartition tp) {
        return aborting.contains(tp);
    }

    /**
     * Stops a clean in progress of {@code tp} (at its next batch or segment boundary, waiting for it) and keeps
     * the log from being cleaned until {@link #resume}.
     */
    synchronized void abortAndPause(TopicPartition tp) throws InterruptedException {
        paused.add(tp);
        if (inProgress.containsKey(tp)) {
            aborting.add(tp);
            while (inProgress.containsKey(tp)) {
                wait();
            }
        }
    }

    synchronized void resume(TopicPartition tp) {
        paused.remove(tp);
    }

    synchronized boolean isInProgress(TopicPartition tp) {
        return inProgress.containsKey(tp);
    }
}
