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
        OffsetPosition last = lastOrNull();
        this.lastOffset = last == null ? -1 : last.offset();
    }

    private OffsetPosition entry(ByteBuffer map, int n) {
        int at = n * ENTRY_SIZE;
        return new OffsetPosition(baseOffset + map.getInt(at), map.getInt(at + 4));
    }

    @Override
    protected long keyAt(ByteBuffer map, int n) {
        return map.getInt(n * ENTRY_SIZE);
    }

    /** Appends an entry; offsets must increase. */
    void append(long offset, int position) throws IOException {
        if (offset <= lastOffset || offset - baseOffset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " cannot follow " + lastOffset + " in " + file());
        }
        int relative = (int) (offset - baseOffset);
        appendEntry((map, at) -> map.putInt(at, relative).putInt(at + 4, position));
        lastOffset = offset;
    }

    /** The last indexed batch start at or before {@code target}, or the segment start. */
    OffsetPosition lookup(long target) throws IOException {
        int count = entries();
        if (count == 0 || target < baseOffset) {
            return new OffsetPosition(baseOffset, 0);
        }
        ByteBuffer map = entriesBuffer();
        long relative = Math.min(target - baseOffset, Integer.MAX_VALUE);
        int n = floor(map, relative, count);
        return n < 0 ? new OffsetPosition(baseOffset, 0) : entry(map, n);
    }

    /** The last entry, or the segment start when there is none. */
    OffsetPosition last() throws IOException {
        OffsetPosition last = lastOrNull();
        return last == null ? new OffsetPosition(baseOffset, 0) : last;
    }

    private OffsetPosition lastOrNull() throws IOException {
        int count = entries();
        if (count == 0) {
            return null;
        }
        ByteBuffer map = entriesBuffer();
        int visible = visible(map, count);
        return visible == 0 ? null : entry(map, visible - 1);
    }

    /** Removes entries for offsets >= {@code offset}. */
    void truncateTo(long offset) throws IOException {
        int keep = offset <= baseOffset ? 0
                : floor(entriesBuffer(), Math.min(offset - 1 - baseOffset, Integer.MAX_VALUE), entries()) + 1;
        truncateEntries(keep);
        OffsetPosition last = lastOrNull();
        lastOffset = last == null ? -1 : last.offset();
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
        ByteBuffer map = entriesBuffer();
        OffsetPosition first = entry(map, 0);
        OffsetPosition last = entry(map, visible(map, count) - 1);
        return first.offset() >= baseOffset && last.offset() >= first.offset()
                && last.position() >= first.position() && last.position() < logSize;
    }
}
