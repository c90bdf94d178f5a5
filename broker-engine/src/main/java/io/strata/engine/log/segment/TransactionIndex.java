package io.strata.engine.log.segment;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment's aborted-transaction index, {@code <base>.txnindex}, in Kafka's on-disk layout: 34-byte entries
 * (version int16 = 0, producerId int64, firstOffset int64, lastOffset int64, lastStableOffset int64), one per abort
 * marker in the segment, in marker order. The file is created on the first entry; most segments have none.
 *
 * <p>Threading: {@link #append}, {@link #truncateTo}, {@link #reset} and the file operations run under the owning
 * log's append lock (or while loading). Readers (fetch) are lock-free: the entries are also kept as an immutable
 * list published through a volatile field after the file write.
 */
public final class TransactionIndex implements Closeable {
    static final int ENTRY_SIZE = 34;
    private static final short VERSION = 0;

    private volatile Path file;
    private FileChannel channel;
    private volatile List<AbortedTxn> entries;

    /**
     * Opens the index of a segment, reading its entries if the file exists; a torn last entry, and anything from an
     * entry of an unknown version on, is ignored (a damaged index must not keep the partition from opening).
     */
    public TransactionIndex(Path file) throws IOException {
        this.file = file;
        this.entries = Files.exists(file) ? read(file) : List.of();
    }

    private static List<AbortedTxn> read(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        List<AbortedTxn> out = new ArrayList<>(buffer.remaining() / ENTRY_SIZE);
        while (buffer.remaining() >= ENTRY_SIZE) {
            if (buffer.getShort() != VERSION) {
                break; // garbage, not an entry: the index ends here (the next append overwrites it)
            }
            out.add(new AbortedTxn(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong()));
        }
        return List.copyOf(out);
    }

    /** The entries, in marker order. */
    public List<AbortedTxn> entries() {
        return entries;
    }

    /** The last marker offset indexed, or -1. */
    public long lastOffset() {
        List<AbortedTxn> e = entries;
        return e.isEmpty() ? -1 : e.get(e.size() - 1).lastOffset();
    }

    /**
     * Appends an entry; one whose marker is not past the last indexed marker is already here (a replay over data the
     * index covers) and is skipped.
     */
    public void append(AbortedTxn txn) throws IOException {
        if (txn.lastOffset() <= lastOffset()) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate(ENTRY_SIZE).putShort(VERSION).putLong(txn.producerId())
                .putLong(txn.firstOffset()).putLong(txn.lastOffset()).putLong(txn.lastStableOffset()).flip();
        FileChannel ch = channel();
        long at = (long) entries.size() * ENTRY_SIZE;
        while (buffer.hasRemaining()) {
            at += ch.write(buffer, at);
        }
        List<AbortedTxn> next = new ArrayList<>(entries);
        next.add(txn);
        entries = List.copyOf(next);
    }

    /** Removes the entries whose marker is at or after {@code offset} (the log is truncated there). */
    public void truncateTo(long offset) throws IOException {
        List<AbortedTxn> e = entries;
        int keep = 0;
        while (keep < e.size() && e.get(keep).lastOffset() < offset) {
            keep++;
        }
        if (keep == e.size()) {
            return;
        }
        entries = List.copyOf(e.subList(0, keep));
        if (Files.exists(file)) {
            channel().truncate((long) keep * ENTRY_SIZE);
        }
    }

    /** Empties the index (its segment is rebuilt by recovery). */
    public void reset() throws IOException {
        truncateTo(Long.MIN_VALUE);
    }

    /**
     * The entries overlapping [{@code fetchOffset}, {@code upperBoundOffset}), and whether the search is complete:
     * an entry's last stable offset reached the upper bound, so no later segment can hold an overlapping one.
     */
    public SearchResult collect(long fetchOffset, long upperBoundOffset) {
        List<AbortedTxn> found = new ArrayList<>();
        for (AbortedTxn txn : entries) {
            if (txn.lastOffset() >= fetchOffset && txn.firstOffset() < upperBoundOffset) {
                found.add(txn);
            }
            if (txn.lastStableOffset() >= upperBoundOffset) {
                return new SearchResult(found, true);
            }
        }
        return new SearchResult(found, false);
    }

    /** What {@link #collect} found. */
    public record SearchResult(List<AbortedTxn> aborted, boolean complete) {
    }

    public Path file() {
        return file;
    }

    /** The file moved (renamed for deletion); an open channel keeps working. */
    void renamedTo(Path target) {
        file = target;
    }

    public void flush() throws IOException {
        if (channel != null) {
            channel.force(true);
        }
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }
        return channel;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }

    public void deleteFile() throws IOException {
        close();
        Files.deleteIfExists(file);
    }
}
