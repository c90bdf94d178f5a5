package io.strata.engine.log.segment;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of fixed-size entries sorted by a key, read with positional reads (no mmap, no heap copy: the
 * page cache keeps hot indexes in memory) and appended at its end.
 *
 * <p>Threading: appends, truncation and reset happen under the owning log's append lock; lookups run on
 * request threads without locks and see only entries published through the volatile {@link #entries}.
 */
abstract class IndexFile implements Closeable {
    protected final Path file;
    protected final long baseOffset;
    private final int entrySize;
    private final int maxEntries;
    private final FileChannel channel;
    /** Guarded by the append lock, like every change. */
    private boolean wellFormed;
    private volatile int entries;

    protected IndexFile(Path file, long baseOffset, int entrySize, int maxEntries) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxEntries = maxEntries;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long size = channel.size();
        this.wellFormed = size % entrySize == 0 && size / entrySize <= Integer.MAX_VALUE;
        this.entries = wellFormed ? (int) (size / entrySize) : 0;
    }

    int entries() {
        return entries;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    /** Room for {@code n} more entries. */
    boolean hasRoomFor(int n) {
        return entries + n <= maxEntries;
    }

    /** False when the file size is not a whole number of entries: the index must be rebuilt. */
    boolean wellFormed() {
        return wellFormed;
    }

    protected ByteBuffer read(int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(entrySize);
        long position = (long) n * entrySize;
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("Index " + file + " ended before entry " + n);
            }
        }
        return buffer.flip();
    }

    protected void write(ByteBuffer entry) throws IOException {
        int n = entries;
        long position = (long) n * entrySize;
        while (entry.hasRemaining()) {
            channel.write(entry, position + entry.position());
        }
        entries = n + 1;
    }

    /** The key (relative offset or timestamp) of entry n. */
    protected abstract long keyAt(int n) throws IOException;

    /** Index of the last entry whose key is <= target among the first {@code count} entries, or -1. */
    protected int floor(long target, int count) throws IOException {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Keeps the first n entries. */
    protected void truncateEntries(int n) throws IOException {
        if (n < entries) {
            entries = n;
            channel.truncate((long) n * entrySize);
        }
    }

    void reset() throws IOException {
        entries = 0;
        channel.truncate(0);
        wellFormed = true;
    }

    void flush() throws IOException {
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }
}
