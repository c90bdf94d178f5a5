package io.strata.engine.log;

import io.strata.engine.log.producer.ProducerStateManager;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * The lifecycle of one {@link PartitionLog}: open, then closed (gracefully or as a crash) or deleted (its
 * directory renamed for deletion, then removed), and the directory it lives in now.
 *
 * <p>Concurrency: the state and the directory are volatile, read lock-free. Every transition runs under the log's
 * append lock. A graceful close, a deletion and the rename (inside the group commit's exclusive section) change
 * the state under the checkpoint lock too, so {@link PartitionLog#checkpoint()}, which checks the state under that
 * lock, never writes into a moved or deleted directory. Lock order as the log's: appendLock, then the group commit
 * monitor, then the checkpoint lock.
 */
final class LogLifecycle {
    private static final Logger log = LoggerFactory.getLogger(LogLifecycle.class);

    private enum State { OPEN, DELETED, CLOSED }

    private final TopicPartition topicPartition;
    private final LogSegments segments;
    private final ProducerStateManager producerState;
    private final SegmentDeletion segmentDeletion;
    private final LogFlusher groupCommit;
    private final LogOffsets offsets;
    private final LogCheckpoints checkpoints;
    private volatile Path dir;
    private volatile State state = State.OPEN;

    LogLifecycle(Path dir, TopicPartition topicPartition, LogSegments segments, ProducerStateManager producerState,
                 SegmentDeletion segmentDeletion, LogFlusher groupCommit, LogOffsets offsets,
                 LogCheckpoints checkpoints) {
        this.dir = dir;
        this.topicPartition = topicPartition;
        this.segments = segments;
        this.producerState = producerState;
        this.segmentDeletion = segmentDeletion;
        this.groupCommit = groupCommit;
        this.offsets = offsets;
        this.checkpoints = checkpoints;
    }

    Path dir() {
        return dir;
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    boolean isDeleted() {
        return state == State.DELETED;
    }

    /**
     * @throws NotLeaderOrFollowerException if the log was deleted
     * @throws KafkaStorageException        if the log is closed
     */
    void ensureWritable() {
        State s = state;
        if (s == State.DELETED) {
            throw new NotLeaderOrFollowerException("Log of " + topicPartition + " has been deleted");
        }
        if (s == State.CLOSED) {
            throw new KafkaStorageException("Log of " + topicPartition + " is closed");
        }
    }

    /** Graceful close; see {@link PartitionLog#closeGracefully()}. Caller holds the append lock. */
    OptionalLong close() {
        if (state != State.OPEN) {
            closeSegments();
            return OptionalLong.empty();
        }
        try {
            groupCommit.flushTo(offsets.logEnd(), offsets::logEnd);
            LogSegment active = segments.active();
            active.onBecomeInactive();
            active.flushLog();
            active.flushIndexes();
            producerState.takeSnapshot(offsets.logEnd());
            synchronized (checkpoints.lock()) {
                checkpoints.write(offsets.highWatermark(), offsets.logEnd(), offsets.logStart());
                state = State.CLOSED;
            }
            return OptionalLong.of(offsets.logEnd());
        } catch (IOException | RuntimeException e) {
            log.error("{}: graceful close failed; the next start will recover the log", topicPartition, e);
            return OptionalLong.empty();
        } finally {
            state = State.CLOSED;
            groupCommit.close();
            closeSegments();
        }
    }

    /** Crash simulation; see {@link PartitionLog#closeWithoutFlush()}. Caller holds the append lock. */
    void closeWithoutFlush() {
        groupCommit.close(); // waits for an fsync in progress
        state = State.CLOSED;
        closeSegments();
    }

    /** Closes the log and deletes its directory. Caller holds the append lock. */
    void delete() throws IOException {
        groupCommit.close();
        synchronized (checkpoints.lock()) {
            state = State.DELETED;
        }
        closeSegments();
        Utils.delete(dir.toFile());
        log.info("Deleted log of {} in {}", topicPartition, dir);
    }

    /** Renames the directory to {@code target} and stops accepting appends. Caller holds the append lock. */
    void renameDirForDeletion(Path target) throws IOException {
        groupCommit.exclusive(() -> {
            synchronized (checkpoints.lock()) {
                Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
                dir = target;
                state = State.DELETED;
            }
        });
        Utils.flushDir(target.getParent());
    }

    private void closeSegments() {
        for (LogSegment segment : segments.all()) {
            segment.closeQuietly();
        }
        segmentDeletion.closeAll();
    }
}
