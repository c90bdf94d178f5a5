package io.strata.engine.log;

import io.strata.engine.log.segment.LogSegments;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.io.IOException;

/**
 * The fetch read of one {@link PartitionLog}: whole batches from one segment, bounded by the log start and end
 * offsets published in {@link LogOffsets}.
 *
 * <p>Concurrency: lock-free, on any thread. The offsets are read once, up front; a segment publishes its size
 * after its bytes and index entries and the log end is published after that, so a read bounded by the log end
 * never sees a partial batch. A segment deleted under a read is reported as out of range (the log start moved past
 * it before it could close).
 */
final class LogReads {
    private final TopicPartition topicPartition;
    private final LogSegments segments;
    private final LogOffsets offsets;

    LogReads(TopicPartition topicPartition, LogSegments segments, LogOffsets offsets) {
        this.topicPartition = topicPartition;
        this.segments = segments;
        this.offsets = offsets;
    }

    /** See {@link PartitionLog#read}. */
    LogReadResult read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage)
            throws IOException {
        long start = offsets.logStart();
        long end = offsets.logEnd();
        long hw = offsets.highWatermark();
        if (startOffset < start || startOffset > end) {
            throw new OffsetOutOfRangeException("Offset " + startOffset + " is out of range for " + topicPartition
                    + ": log start " + start + ", log end " + end);
        }
        long limit = Math.min(maxOffsetExclusive, end);
        if (startOffset >= limit) {
            return new LogReadResult(MemoryRecords.EMPTY, 0, startOffset, hw, start, end);
        }
        LogReader.Slice slice = LogReader.read(segments, startOffset, maxBytes, limit, minOneMessage);
        if (slice == null) { // its segment was deleted under the read; the log start moved past it before
            throw new OffsetOutOfRangeException("Offset " + startOffset + " is out of range for "
                    + topicPartition + ": its segment was deleted; log start " + offsets.logStart());
        }
        return new LogReadResult(slice.records(), slice.recordCount(), slice.nextOffset(), hw, start, end);
    }
}
