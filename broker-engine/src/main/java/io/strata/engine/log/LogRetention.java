package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.log.producer.ProducerStateManager;
import io.strata.engine.log.retention.RetentionPlan;
import io.strata.engine.log.retention.RetentionPlanner;
import io.strata.engine.log.retention.SegmentInfo;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The log start offset and retention of one {@link PartitionLog}: moves the log start forward (checkpointing it)
 * and runs retention passes ({@link RetentionPlanner}), handing removed segments to {@link SegmentDeletion}.
 *
 * <p>Concurrency: every method runs under the log's append lock. Segments leave the log inside the group commit's
 * exclusive section; the checkpoint lock is taken after it is left (the log's lock order: appendLock, then the
 * group commit monitor, then the checkpoint lock). The log start moves before removed segments can close, so a
 * lock-free read that finds its segment closed reports its offset out of range.
 */
final class LogRetention {
    private static final Logger log = LoggerFactory.getLogger(LogRetention.class);

    private final TopicPartition topicPartition;
    private final Supplier<Path> dir;
    private final Supplier<LogConfig> config;
    private final LogSegments segments;
    private final LeaderEpochCache epochCache;
    private final ProducerStateManager producerState;
    private final LogFlusher groupCommit;
    private final SegmentDeletion segmentDeletion;
    private final LogOffsets offsets;
    private final LogCheckpoints checkpoints;
    private final LogAppender appender;

    LogRetention(TopicPartition topicPartition, Supplier<Path> dir, Supplier<LogConfig> config, LogSegments segments,
                 LeaderEpochCache epochCache, ProducerStateManager producerState, LogFlusher groupCommit,
                 SegmentDeletion segmentDeletion, LogOffsets offsets, LogCheckpoints checkpoints, LogAppender appender) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.segments = segments;
        this.epochCache = epochCache;
        this.producerState = producerState;
        this.groupCommit = groupCommit;
        this.segmentDeletion = segmentDeletion;
        this.offsets = offsets;
        this.checkpoints = checkpoints;
        this.appender = appender;
    }

    /** See {@link PartitionLog#maybeIncrementLogStartOffset}; the caller checked the log is writable. */
    boolean maybeIncrementLogStartOffset(long offset, LogStartOffsetReason reason) throws IOException {
        if (offset > offsets.highWatermark()) {
            throw new OffsetOutOfRangeException("Cannot move the log start offset of " + topicPartition + " to "
                    + offset + ": above the high watermark " + offsets.highWatermark());
        }
        if (offset <= offsets.logStart()) {
            return false;
        }
        advanceLogStartOffset(offset);
        log.info("{}: log start offset moved to {} ({})", topicPartition, offset, reason);
        return true;
    }

    /** Moves the log start offset to {@code offset} (forward) and checkpoints it. */
    private void advanceLogStartOffset(long offset) throws IOException {
        offsets.setLogStart(offset);
        epochCache.truncateFromStart(offset);
        synchronized (checkpoints.lock()) {
            checkpoints.writeLogStartOffset(offset);
        }
    }

    /** One retention pass; see {@link PartitionLog#deleteOldSegments}. */
    RetentionPlan deleteOldSegments(long nowMs) throws IOException {
        LogConfig cfg = config.get();
        List<LogSegment> all = new ArrayList<>(segments.all());
        List<SegmentInfo> infos = new ArrayList<>(all.size());
        for (LogSegment s : all) {
            infos.add(new SegmentInfo(s.baseOffset(), s.nextOffset(), s.sizeInBytes(), s.largestTimestamp()));
        }
        RetentionPlan plan = RetentionPlanner.plan(infos, offsets.logStart(), offsets.logEnd(),
                offsets.highWatermark(), cfg, nowMs);
        if (!plan.deletesAnything()) {
            return plan;
        }
        if (plan.segments() == all.size()) {
            appender.roll(offsets.logEnd(), cfg); // the active segment goes too: appends continue in a new one
        }
        removeSegments(all.subList(0, plan.segments()), plan.reason().tag());
        return plan;
    }

    /**
     * Takes inactive segments (a prefix of the log) out and hands them to {@link SegmentDeletion}; the log start
     * moves to the first remaining segment first, so a read that finds a segment closed can report it out of
     * range. Producer snapshots below the new start go too.
     */
    private void removeSegments(List<LogSegment> doomed, String why) throws IOException {
        LogSegment firstKept = segments.next(doomed.get(doomed.size() - 1).baseOffset());
        long newStart = Math.max(offsets.logStart(), firstKept.baseOffset());
        offsets.setLogStart(newStart); // before the segments can close (checkpointed below)
        groupCommit.exclusive(() -> {
            segmentDeletion.removeAndScheduleDeletion(segments, doomed, config.get().fileDeleteDelayMs());
            Utils.flushDir(dir.get());
            groupCommit.truncated(offsets.logEnd()); // forgets deleted segments awaiting an index flush
        });
        advanceLogStartOffset(newStart);
        producerState.deleteSnapshotsBelow(firstKept.baseOffset());
        log.info("{}: deleted {} segment(s) ({}); log start is now {}", topicPartition, doomed.size(), why,
                offsets.logStart());
    }
}
