package io.strata.engine.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The sparse offset index of a segment: entries of (offset relative to the segment base int32, file
 * position int32) for batch starts, one every index.interval.bytes, in increasing order. A lookup gives
 * the position to start scanning batch headers from.
 */
public final class OffsetIndex extends IndexFile {
    public static final int ENTRY_SIZE = 8;

    /** A batch start: its base offset and file position. */
    record OffsetPosition(long offset, int position) {
    }

    private long lastOffset;

    public OffsetIndex(Path file, long baseOffset, int maxEntries) throws IOException {
        super(file, baseOffset, ENTRY_SIZE, maxEntries);
        this.lastOffset = entries() == 0 ? -1 : entry(entries() - 1).offset();
    }

    private OffsetPosition entry(int n) throws IOException {
        ByteBuffer buffer = read(n);
        return new OffsetPosition(baseOffset + buffer.getInt(0), buffer.getInt(4));
    }

    @Override
    protected long keyAt(int n) throws IOException {
        return read(n).getInt(0);
    }

    /** Appends an entry; offsets must increase. */
    void append(long offset, int position) throws IOException {
        if (offset <= lastOffset || offset - baseOffset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " cannot follow " + lastOffset + " in " + file);
        }
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE);
        entry.putInt((int) (offset - baseOffset)).putInt(position).flip();
        write(entry);
        lastOffset = offset;
    }

    /** The last indexed batch start at or before {@code target}, or the segment start. */
    OffsetPosition lookup(long target) throws IOException {
        int count = entries();
        if (count == 0 || target < baseOffset) {
            return new OffsetPosition(baseOffset, 0);
        }
        long relative = Math.min(target - baseOffset, Integer.MAX_VALUE);
        int n = floor(relative, count);
        return n < 0 ? new OffsetPosition(baseOffset, 0) : entry(n);
    }

    /** The last entry, or the segment start when there is none. */
    OffsetPosition last() throws IOException {
        int count = entries();
        return count == 0 ? new OffsetPosition(baseOffset, 0) : entry(count - 1);
    }

    /** Removes entries for offsets >= {@code offset}. */
    void truncateTo(long offset) throws IOException {
        int keep = offset <= baseOffset ? 0 : floor(Math.min(offset - 1 - baseOffset, Integer.MAX_VALUE), entries()) + 1;
        truncateEntries(keep);
        lastOffset = entries() == 0 ? -1 : entry(entries() - 1).offset();
    }

    @Override
    void reset() throws IOException {
        super.reset();
        lastOffset = -1;
    }

    /** Cheap consistency check against the segment's log file: entries increase and point inside it. */
    boolean isSane(long logSize) throws IOException {
        if (!wellFormed()) {
            return false;
        }
        int count = entries();
        if (count == 0) {
            return true;
        }
        OffsetPosition first = entry(0);
        OffsetPosition last = entry(count - 1);
        return first.offset() >= baseOffset && last.offset() >= first.offset()
                && last.position() >= first.position() && last.position() < logSize;
    }
}
