package io.strata.engine.log.segment;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of fixed-size entries sorted by a key, memory-mapped and appended at its end. It holds no file
 * descriptor: the file is opened only to map it (or to size it) and closed at once, so a segment costs one
 * open file, its {@code .log}, as in Kafka.
 *
 * <p>Two states. <em>Sealed</em> (a segment loaded from disk or rolled): the file is exactly its entries long
 * and is mapped read-only when first read (opening an index reads its last entry, so every loaded segment maps
 * both; a rolled one maps again on its next lookup).
 * <em>Writable</em> (the active segment, once appended to, truncated or rebuilt): the file is extended to its
 * full capacity (sparse) and mapped read-write, so an append is a memory write, not a system call.
 * {@link #seal()} (on roll and graceful close) trims it to its entries, and {@link #flush()} makes that
 * durable. After a crash a writable
 * file is left at its capacity with zeros after the last entry; such an index fails its sanity check and is
 * rebuilt, and the active segment is always rebuilt anyway.
 *
 * <p>Mappings are never unmapped explicitly: a reader may still hold one, and touching an unmapped buffer
 * crashes the JVM. The garbage collector releases them; until then a deleted index's pages stay allocated.
 *
 * <p>Threading: appends, truncation, reset and sealing happen under the owning log's append lock; lookups run
 * on request threads without locks and see only entries published through the volatile {@link #entries}.
 * Readers read {@link #entries} before the mapping and writers publish a new mapping before new entries, so
 * a reader's mapping always covers the entries it saw. Mapping changes take {@code this} as their lock.
 */
abstract class IndexFile implements Closeable {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    protected final long baseOffset;
    private final int entrySize;
    private final int maxEntries;
    private volatile Path file;
    /** Guarded by the append lock, like every change. */
    private boolean wellFormed;
    private volatile int entries;
    /** The current mapping: null until first needed (sealed) or after close. */
    private volatile ByteBuffer map;
    /** Whether {@link #map} is the read-write mapping of the extended file. Changed under {@code this}. */
    private volatile boolean writable;
    /** Sealed since the last flush: written entries or the trim may not be on disk yet. Guarded by {@code this}. */
    private boolean sealedUnflushed;
    private volatile boolean closed;

    protected IndexFile(Path file, long baseOffset, int entrySize, int maxEntries) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxEntries = maxEntries;
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        long size = Files.size(file);
        this.wellFormed = size % entrySize == 0 && size / entrySize <= Integer.MAX_VALUE;
        this.entries = wellFormed ? (int) (size / entrySize) : 0;
    }

    Path file() {
        return file;
    }

    /** The file was renamed (for deletion); later mappings and sealing use the new name. */
    void renamedTo(Path renamed) {
        this.file = renamed;
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

    /**
     * The current mapping; read it with absolute gets only (it is shared), and only below
     * {@link #visible(ByteBuffer, int)} of the count read from {@link #entries()} before calling this.
     */
    protected ByteBuffer entriesBuffer() throws IOException {
        ByteBuffer m = map;
        return m != null ? m : mapSealed();
    }

    private synchronized ByteBuffer mapSealed() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (map == null) {
            long length = (long) entries * entrySize;
            if (length == 0) {
                return EMPTY;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                map = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
            }
        }
        return map;
    }

    /**
     * How many of {@code count} entries {@code m} holds: all of them, unless a truncation and a seal shrank the
     * file between the caller's reads of the count and of the mapping.
     */
    protected int visible(ByteBuffer m, int count) {
        return Math.min(count, m.capacity() / entrySize);
    }

    /** The read-write mapping, extending the file to its capacity first if the index is sealed. */
    private ByteBuffer writableBuffer() throws IOException {
        ByteBuffer m = map;
        return writable && m != null ? m : extendAndMap(); // the append path takes no lock once writable
    }

    private synchronized ByteBuffer extendAndMap() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (!writable) {
            // Room for every entry the file already holds (segment.index.bytes may have shrunk since) and for
            // the time index's final entry on roll, which may exceed the limit.
            long capacity = ((long) Math.max(maxEntries, entries) + 1) * entrySize;
            if (capacity > Integer.MAX_VALUE) {
                throw new IOException("Index " + file + " would exceed 2 GiB");
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(capacity);
                map = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, capacity);
            }
            writable = true;
        }
        return map;
    }

    /** Writes entry {@code entries} through {@code writer} at its byte offset, then publishes it. */
    protected void appendEntry(EntryWriter writer) throws IOException {
        ByteBuffer m = writableBuffer();
        int n = entries;
        if ((long) (n + 1) * entrySize > m.capacity()) {
            throw new IllegalStateException("Index " + file + " is full at " + n + " entries");
        }
        writer.write(m, n * entrySize);
        entries = n + 1;
    }

    /** Writes one entry's fields at {@code at} with absolute puts. */
    @FunctionalInterface
    protected interface EntryWriter {
        void write(ByteBuffer map, int at);
    }

    /** The key (relative offset or timestamp) of entry n. */
    protected abstract long keyAt(ByteBuffer map, int n);

    /** Index of the last entry whose key is <= target among the first {@code count} entries, or -1. */
    protected int floor(ByteBuffer m, long target, int count) {
        int lo = 0;
        int hi = visible(m, count) - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(m, mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * Keeps the first n entries. The file is not shrunk (a reader may still be reading the dropped entries
     * through its mapping); the dropped ones are zeroed, and {@link #seal()} trims the file.
     */
    protected void truncateEntries(int n) throws IOException {
        int old = entries;
        if (n < old) {
            ByteBuffer m = writableBuffer();
            entries = n;
            zero(m, n, old);
        }
    }

    void reset() throws IOException {
        truncateEntries(0);
        wellFormed = true;
    }

    private void zero(ByteBuffer m, int from, int to) {
        for (int at = from * entrySize, end = to * entrySize; at < end; at++) {
            m.put(at, (byte) 0);
        }
    }

    /** Makes the entries written so far durable (and the trim of the last {@link #seal()}). */
    synchronized void flush() throws IOException {
        if (closed) {
            return;
        }
        if (writable && map instanceof MappedByteBuffer mapped) {
            mapped.force(0, entries * entrySize);
        } else if (sealedUnflushed) {
            // fsync through any descriptor writes back the file's dirty pages, mapped ones included
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            sealedUnflushed = false;
        }
    }

    /**
     * Trims the file to its entries; the index stays readable and becomes writable again on the next change.
     * Not durable until {@link #flush()} (a roll must not wait for an fsync). A no-op when already sealed.
     */
    synchronized void seal() throws IOException {
        if (!writable || closed) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate((long) entries * entrySize);
        }
        writable = false;
        sealedUnflushed = true;
        map = null; // the next lookup maps the trimmed file read-only; readers keep the old mapping meanwhile
    }

    /** Drops the mapping; nothing is written (a graceful close seals first, a crash leaves the file as it is). */
    @Override
    public synchronized void close() {
        closed = true;
        writable = false;
        map = null;
    }

    void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }
}
