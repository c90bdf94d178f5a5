package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.log.producer.ProducerStateManager;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.function.Supplier;

/**
 * Truncation of one {@link PartitionLog} from the end (a follower dropping what its new leader does not hold) or
 * entirely (restarting at a given offset): segments, indexes, the leader epoch cache, producer state, the high
 * watermark, the flushed offset and the checkpoints follow.
 *
 * <p>Concurrency: runs under the log's append lock. Segments are changed inside the group commit's exclusive
 * section (no fsync in progress); the high watermark lock and then the checkpoint lock are taken after it is left,
 * keeping the log's lock order (appendLock, then the group commit monitor, then the checkpoint lock).
 */
final class LogTruncation {
    private static final Logger log = LoggerFactory.getLogger(LogTruncation.class);

    private final TopicPartition topicPartition;
    private final Supplier<Path> dir;
    private final Supplier<LogConfig> config;
    private final Time time;
    private final LogSegments segments;
    private final LeaderEpochCache epochCache;
    private final ProducerStateManager producerState;
    private final LogFlusher groupCommit;
    private final LogOffsets offsets;
    private final LogCheckpoints checkpoints;

    LogTruncation(TopicPartition topicPartition, Supplier<Path> dir, Supplier<LogConfig> config, Time time,
                  LogSegments segments, LeaderEpochCache epochCache, ProducerStateManager producerState,
                  LogFlusher groupCommit, LogOffsets offsets, LogCheckpoints checkpoints) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.segments = segments;
        this.epochCache = epochCache;
        this.producerState = producerState;
        this.groupCommit = groupCommit;
        this.offsets = offsets;
        this.checkpoints = checkpoints;
    }

    /**
     * Removes everything from {@code offset} on; with {@code restart} (or below the log start) empties the log and
     * restarts it at {@code offset}. At or above the log end (not restarting) only epochs starting at the log end go.
     */
    void truncate(long offset, boolean restart) throws IOException {
        if (offset >= offsets.logEnd() && !restart) {
            // No record goes, but an epoch this replica started at its log end as a leader that appended nothing
            // must: the new leader's log diverges there, and a kept entry would make every fetch diverge again.
            epochCache.truncateFromEnd(offsets.logEnd());
            return;
        }
        long oldEnd = offsets.logEnd();
        groupCommit.exclusive(() -> {
            if (restart || offset < offsets.logStart()) {
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
            Utils.flushDir(dir.get());
            offsets.setLogEnd(active.nextOffset());
            if (restart) {
                groupCommit.restarted(offsets.logEnd());
            } else {
                groupCommit.truncated(offsets.logEnd());
            }
        });
        long end = offsets.logEnd();
        epochCache.truncateFromEnd(end);
        producerState.deleteSnapshotsAbove(end);
        long replayFrom = producerState.loadSnapshot(end).orElse(offsets.logStart());
        LogLoader.replay(producerState, segments, replayFrom, time.milliseconds());
        offsets.clampHighWatermark(end);
        synchronized (checkpoints.lock()) {
            checkpoints.write(offsets.highWatermark(), groupCommit.recoveryPoint(), offsets.logStart());
        }
        log.info("{}: truncated from log end {} to {}", topicPartition, oldEnd, end);
    }

    private void restartAt(long offset) throws IOException {
        for (LogSegment s : new ArrayList<>(segments.all())) {
            segments.remove(s.baseOffset());
            s.delete();
        }
        segments.add(LogSegment.create(dir.get(), offset, config.get()));
        offsets.setLogStart(offset);
        epochCache.truncateFromStart(offset);
    }
}
