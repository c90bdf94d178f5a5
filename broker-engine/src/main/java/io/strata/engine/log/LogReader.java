package io.strata.engine.log;

import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.log.segment.FileSlice;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import io.strata.engine.log.segment.SegmentScanner;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.io.IOException;

/**
 * The fetch read path: finds the batch holding the start offset through the offset index and a forward
 * scan of batch headers, then takes whole batches up to the byte and offset limits, as one slice of one
 * segment file. Lock-free; sees only bytes below each segment's published size. Holds a reference on each
 * segment while scanning it; the slice returned keeps one (its holder releases it).
 */
final class LogReader {

    /** Batches found by a read. */
    record Slice(BaseRecords records, int recordCount, long nextOffset) {
    }

    private LogReader() {
    }

    /**
     * @return the batches, or null if a segment was deleted and closed under the read (the caller re-checks
     *         the log start offset)
     * @param limitOffset batches must end below this offset (the high watermark or log end)
     */
    static Slice read(LogSegments segments, long startOffset, int maxBytes, long limitOffset, boolean minOneMessage)
            throws IOException {
        Slice empty = new Slice(MemoryRecords.EMPTY, 0, startOffset);
        LogSegment segment = segments.floor(startOffset);
        if (segment == null) {
            segment = segments.first();
        }
        for (; segment != null && segment.baseOffset() < limitOffset; segment = segments.next(segment.baseOffset())) {
            if (!segment.tryRetain()) {
                return null; // deleted and closed since it was looked up
            }
            boolean handedOver = false;
            try {
                SegmentScanner scanner = segment.scanner(segment.lookupPosition(startOffset));
                BatchHeader first = null;
                long bytes = 0;
                int records = 0;
                long next = startOffset;
                for (BatchHeader h = scanner.next(); h != null; h = scanner.next()) {
                    if (h.lastOffset() < startOffset) {
                        continue;
                    }
                    if (h.lastOffset() >= limitOffset) {
                        break; // not committed yet (or not requested): stop before it
                    }
                    if (first == null) {
                        if (h.sizeInBytes() > maxBytes && !minOneMessage) {
                            return empty;
                        }
                        first = h;
                    } else if (bytes + h.sizeInBytes() > maxBytes) {
                        break;
                    }
                    bytes += h.sizeInBytes();
                    records += h.lastOffsetDelta() + 1;
                    next = h.nextOffset();
                }
                if (first != null) {
                    handedOver = true;
                    return new Slice(segment.retainedSlice(first.position(), (int) bytes,
                            segment == segments.active()), records, next);
                }
                if (segment.nextOffset() > startOffset) {
                    return empty; // the segment holds later batches, all beyond the limit
                }
            } finally {
                if (!handedOver) {
                    segment.release();
                }
            }
        }
        return empty;
    }
}
