package io.strata.engine.log.segment;

import org.apache.kafka.common.record.internal.RecordBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The time index of a segment: entries of (timestamp int64, offset relative to the segment base int32),
 * with strictly increasing timestamps. An entry (T, O) says that T is the largest timestamp of all batches
 * up to the batch starting at O, and that O's batch is the first to reach it; so no batch before O holds a
 * timestamp >= T, and a search for the first record with timestamp >= T can start at O.
 */
public final class TimeIndex extends IndexFile {
    public static final int ENTRY_SIZE = 12;

    /** A time index entry. */
    record TimestampOffset(long timestamp, long offset) {
    }

    private long lastTimestamp;

    public TimeIndex(Path file, long baseOffset, int maxEntries) throws IOException {
        super(file, baseOffset, ENTRY_SIZE, maxEntries);
        TimestampOffset last = last();
        this.lastTimestamp = last == null ? RecordBatch.NO_TIMESTAMP : last.timestamp();
    }

    private TimestampOffset entry(ByteBuffer map, int n) {
        int at = n * ENTRY_SIZE;
        return new TimestampOffset(map.getLong(at), baseOffset + map.getInt(at + 8));
    }

    @Override
    protected long keyAt(ByteBuffer map, int n) {
        return map.getLong(n * ENTRY_SIZE);
    }

    /**
     * Appends (timestamp, offset) if the timestamp is larger than the last entry's. The size limit is soft:
     * {@code ignoreLimit} lets a segment record its final max timestamp when it stops being active, even with a
     * full index (the writable file has room for one entry beyond the limit).
     */
    void maybeAppend(long timestamp, long offset, boolean ignoreLimit) throws IOException {
        if (timestamp <= lastTimestamp || (!ignoreLimit && isFull()) || offset - baseOffset > Integer.MAX_VALUE) {
            return;
        }
        int relative = (int) (offset - baseOffset);
        appendEntry((map, at) -> map.putLong(at, timestamp).putInt(at + 8, relative));
        lastTimestamp = timestamp;
    }

    /** The last entry with timestamp <= target, or (NO_TIMESTAMP, segment base) when there is none. */
    TimestampOffset lookup(long target) throws IOException {
        int count = entries();
        ByteBuffer map = count == 0 ? null : entriesBuffer();
        int n = map == null ? -1 : floor(map, target, count);
        return n < 0 ? new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset) : entry(map, n);
    }

    /** The last entry, or null. */
    TimestampOffset last() throws IOException {
        int count = entries();
        if (count == 0) {
            return null;
        }
        ByteBuffer map = entriesBuffer();
        int visible = visible(map, count);
        return visible == 0 ? null : entry(map, visible - 1);
    }

    /** Removes entries for offsets >= {@code offset}. Offsets are non-decreasing, so this is a suffix. */
    void truncateTo(long offset) throws IOException {
        int lo = 0;
        int hi = entries();
        ByteBuffer map = hi == 0 ? null : entriesBuffer();
        while (lo < hi) { // first entry with offset >= target
            int mid = (lo + hi) >>> 1;
            if (entry(map, mid).offset() < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int keep = lo;
        truncateEntries(keep);
        TimestampOffset last = last();
        lastTimestamp = last == null ? RecordBatch.NO_TIMESTAMP : last.timestamp();
    }

    @Override
    void reset() throws IOException {
        super.reset();
        lastTimestamp = RecordBatch.NO_TIMESTAMP;
    }

    boolean isSane() throws IOException {
        if (!wellFormed()) {
            return false;
        }
        int count = entries();
        if (count == 0) {
            return true;
        }
        ByteBuffer map = entriesBuffer();
        TimestampOffset first = entry(map, 0);
        TimestampOffset last = entry(map, visible(map, count) - 1);
        return first.offset() >= baseOffset && last.offset() >= first.offset()
                && last.timestamp() >= first.timestamp();
    }
}
