package io.strata.engine.log.cleaner;

import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.SegmentScanner;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.io.IOException;

/** What the cleaner reads about an inactive segment without reading its records. Lock-free. */
final class SegmentFacts {
    private SegmentFacts() {
    }

    /** Bytes of the segment's batches (not its file's size: an active segment's file holds zeros past them). */
    static long size(LogSegment segment) {
        return segment.sizeInBytes();
    }

    /** The largest batch timestamp in the segment, or {@link RecordBatch#NO_TIMESTAMP}. */
    static long largestTimestamp(LogSegment segment) throws IOException {
        SegmentScanner scanner = segment.scanner(0);
        long max = RecordBatch.NO_TIMESTAMP;
        for (BatchHeader h = scanner.next(); h != null; h = scanner.next()) {
            max = Math.max(max, h.maxTimestamp());
        }
        return max;
    }

    /** The max timestamp of the first batch ending at or after {@code offset}, or NO_TIMESTAMP. */
    static long timestampAt(LogSegment segment, long offset) throws IOException {
        SegmentScanner scanner = segment.scanner(segment.lookupPosition(offset));
        for (BatchHeader h = scanner.next(); h != null; h = scanner.next()) {
            if (h.lastOffset() >= offset) {
                return h.maxTimestamp();
            }
        }
        return RecordBatch.NO_TIMESTAMP;
    }
}
