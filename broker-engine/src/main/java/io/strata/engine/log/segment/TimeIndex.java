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
        this.lastTimestamp = entries() == 0 ? RecordBatch.NO_TIMESTAMP : entry(entries() - 1).timestamp();
    }

    private TimestampOffset entry(int n) throws IOException {
        ByteBuffer buffer = read(n);
        return new TimestampOffset(buffer.getLong(0), baseOffset + buffer.getInt(8));
    }

    @Override
    protected long keyAt(int n) throws IOException {
        return read(n).getLong(0);
    }

    /**
     * Appends (timestamp, offset) if the timestamp is larger than the last entry's. The size limit is soft
     * (the file is not preallocated): {@code ignoreLimit} lets a segment record its final max timestamp
     * when it stops being active, even with a full index.
     */
    void maybeAppend(long timestamp, long offset, boolean ignoreLimit) throws IOException {
        if (timestamp <= lastTimestamp || (!ignoreLimit && isFull()) || offset - baseOffset > Integer.MAX_VALUE) {
            return;
        }
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE);
        entry.putLong(timestamp).putInt((int) (offset - baseOffset)).flip();
        write(entry);
        lastTimestamp = timestamp;
    }

    /** The last entry with timestamp <= target, or (NO_TIMESTAMP, segment base) when there is none. */
    TimestampOffset lookup(long target) throws IOException {
        int n = floor(target, entries());
        return n < 0 ? new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset) : entry(n);
    }

    /** The last entry, or null. */
    TimestampOffset last() throws IOException {
        int count = entries();
        return count == 0 ? null : entry(count - 1);
    }

    /** Removes entries for offsets >= {@code offset}. Offsets are non-decreasing, so this is a suffix. */
    void truncateTo(long offset) throws IOException {
        int lo = 0;
        int hi = entries();
        while (lo < hi) { // first entry with offset >= target
            int mid = (lo + hi) >>> 1;
            if (entry(mid).offset() < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int keep = lo;
        truncateEntries(keep);
        lastTimestamp = keep == 0 ? RecordBatch.NO_TIMESTAMP : entry(keep - 1).timestamp();
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
        TimestampOffset first = entry(0);
        TimestampOffset last = entry(count - 1);
        return first.offset() >= baseOffset && last.offset() >= first.offset()
                && last.timestamp() >= first.timestamp();
    }
}
