package io.strata.engine.log.segment;

import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.DefaultRecordsSend;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordsSend;
import org.apache.kafka.common.record.internal.TransferableRecords;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A byte range of a segment file holding whole record batches (the last one may be cut short by a
 * fetch size limit, as in Kafka). The network layer sends it with a Netty FileRegion so batches go
 * from the page cache to the socket without passing through the heap, or, when it is a small slice of an
 * active ({@link #growing()}) segment, copies it into the response (a sendfile would stat the file first).
 *
 * <p>The channel belongs to the segment; a slice never closes it. A slice read from a log holds a reference
 * to its segment (so a deleted segment's channel stays open until the slice is sent or dropped): whoever ends
 * up with the slice calls {@link #release()} exactly when it no longer needs the bytes (the network layer once
 * the region is written or the response dropped; in-process readers after {@link #toMemoryRecords()}).
 * Release is idempotent. Thread-safe.
 */
public final class FileSlice implements TransferableRecords {
    private final FileChannel channel;
    private final long position;
    private final int size;
    /** The segment whose reference this slice holds; null for a slice over a file no log owns (tests). */
    private final LogSegment owner;
    /** Taken from its log's active segment, which appends still grow and fsync. */
    private final boolean growing;
    private final AtomicBoolean released = new AtomicBoolean();

    /** A slice over a channel no segment reference protects. */
    public FileSlice(FileChannel channel, long position, int size) {
        this(channel, position, size, null, false);
    }

    /**
     * A slice holding a reference the caller took on {@code owner} with {@link LogSegment#tryRetain()};
     * {@code growing} if {@code owner} was its log's active segment.
     */
    FileSlice(FileChannel channel, long position, int size, LogSegment owner, boolean growing) {
        this.channel = channel;
        this.position = position;
        this.size = size;
        this.owner = owner;
        this.growing = growing;
    }

    public FileChannel channel() {
        return channel;
    }

    public long position() {
        return position;
    }

    public int size() {
        return size;
    }

    /** Whether the slice was taken from its log's active segment, which appends still grow and fsync. */
    public boolean growing() {
        return growing;
    }

    /** Gives the segment reference back; later calls do nothing. */
    public void release() {
        if (released.compareAndSet(false, true) && owner != null) {
            owner.release();
        }
    }

    /** Releases {@code records} if it is a slice; anything else holds no reference. */
    public static void releaseIfSlice(BaseRecords records) {
        if (records instanceof FileSlice slice) {
            slice.release();
        }
    }

    @Override
    public int sizeInBytes() {
        return size;
    }

    @Override
    public int writeTo(TransferableChannel destination, int offset, int length) throws IOException {
        long count = Math.min(length, size - offset);
        return (int) destination.transferFrom(channel, position + offset, count);
    }

    @Override
    public RecordsSend<? extends TransferableRecords> toSend() {
        return new DefaultRecordsSend<>(this);
    }

    /**
     * Copies the slice onto the heap: for the HTTP layer, coordinators and tests, not the fetch path. Does not
     * release the slice.
     */
    public MemoryRecords toMemoryRecords() {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        try {
            readInto(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }

    /**
     * Reads the slice from its start into {@code buffer} (positional reads: no stat of the file) until the buffer is
     * full or the file ends; returns the bytes read. Does not release the slice.
     */
    public int readInto(ByteBuffer buffer) throws IOException {
        int start = buffer.position();
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position() - start) < 0) {
                break;
            }
        }
        return buffer.position() - start;
    }

    @Override
    public String toString() {
        return "FileSlice(position=" + position + ", size=" + size + ")";
    }
}
