package io.strata.engine.log.segment;

import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.DefaultRecordsSend;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordsSend;
import org.apache.kafka.common.record.internal.TransferableRecords;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A byte range of a segment file holding whole record batches (the last one may be cut short by a
 * fetch size limit, as in Kafka). The network layer sends it with a Netty FileRegion so batches go
 * from the page cache to the socket without passing through the heap.
 *
 * <p>The channel belongs to the segment; a slice never closes it.
 */
public record FileSlice(FileChannel channel, long position, int size) implements TransferableRecords {

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

    /** Copies the slice onto the heap: for tests, the HTTP layer and replication checks, not the fetch path. */
    public MemoryRecords toMemoryRecords() {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        try {
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position + buffer.position());
                if (read < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }
}
