package io.strata.engine.log.segment;

import io.strata.engine.log.segment.TimeIndex.TimestampOffset;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

import java.io.IOException;
import java.util.Optional;

/**
 * ListOffsets by timestamp. Each segment knows its largest timestamp, so whole segments are skipped; in
 * the first segment that can match, the time index gives a batch before which no record can match, the
 * offset index a position to scan headers from, and only the first batch whose max timestamp is high
 * enough is read and iterated (keys and values skipped) to find the exact record. Lock-free.
 */
public final class TimestampSearch {

    private TimestampSearch() {
    }

    /** The first record (by offset) with timestamp >= {@code timestamp}. */
    public static Optional<OffsetAndEpoch> offsetForTimestamp(LogSegments segments, long timestamp) throws IOException {
        for (LogSegment segment : segments.all()) {
            if (segment.maxTimestamp().timestamp() < timestamp) {
                continue;
            }
            TimestampOffset start = segment.timeIndex().lookup(timestamp);
            SegmentScanner scanner = segment.scanner(segment.lookupPosition(start.offset()));
            for (BatchHeader h = scanner.next(); h != null; h = scanner.next()) {
                if (h.maxTimestamp() < timestamp) {
                    continue;
                }
                Optional<OffsetAndEpoch> found = firstRecord(segment, h, timestamp, false);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The first record holding the largest timestamp in the log. */
    public static Optional<OffsetAndEpoch> offsetOfMaxTimestamp(LogSegments segments) throws IOException {
        LogSegment best = null;
        TimestampOffset max = null;
        for (LogSegment segment : segments.all()) {
            TimestampOffset m = segment.maxTimestamp();
            if (m.timestamp() >= 0 && (max == null || m.timestamp() > max.timestamp())) {
                max = m;
                best = segment;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        BatchHeader batch = best.findBatch(max.offset());
        if (batch == null) {
            return Optional.empty();
        }
        return firstRecord(best, batch, batch.maxTimestamp(), true)
                .or(() -> Optional.of(new OffsetAndEpoch(batch.lastOffset(), batch.maxTimestamp(), epoch(batch))));
    }

    private static Optional<OffsetAndEpoch> firstRecord(LogSegment segment, BatchHeader header, long timestamp,
                                                        boolean exact) throws IOException {
        RecordBatch batch = MemoryRecords.readableRecords(segment.readBatch(header)).batches().iterator().next();
        try (CloseableIterator<Record> records = batch instanceof DefaultRecordBatch v2
                ? v2.skipKeyValueIterator(BufferSupplier.NO_CACHING) : batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                Record record = records.next();
                if (exact ? record.timestamp() == timestamp : record.timestamp() >= timestamp) {
                    return Optional.of(new OffsetAndEpoch(record.offset(), record.timestamp(), epoch(header)));
                }
            }
        }
        return Optional.empty();
    }

    private static int epoch(BatchHeader header) {
        return Math.max(header.partitionLeaderEpoch(), RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }
}
