package io.strata.engine.log.cleaner;

import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.SegmentScanner;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a segment's batches in chunks of whole batches of about the I/O buffer size (a larger batch is read
 * alone, into a buffer grown for it). Lock-free: it reads only below the segment's published size.
 *
 * <p>Threading: one per cleaner thread; the buffer is reused from chunk to chunk.
 */
final class BatchChunks {
    /** Receives each chunk; returning false stops the read. */
    @FunctionalInterface
    interface ChunkHandler {
        boolean accept(MemoryRecords chunk) throws IOException;
    }

    private ByteBuffer buffer;

    BatchChunks(int bufferSize) {
        this.buffer = ByteBuffer.allocate(bufferSize);
    }

    /** Reads the batches from the one holding {@code fromOffset} (through the index) to the segment's end. */
    void read(LogSegment segment, long fromOffset, ChunkHandler handler) throws IOException {
        int start = fromOffset <= segment.baseOffset() ? 0 : segment.lookupPosition(fromOffset);
        SegmentScanner scanner = segment.scanner(start);
        long chunkStart = -1;
        long chunkEnd = -1;
        for (BatchHeader h = scanner.next(); ; h = scanner.next()) {
            boolean flush = chunkStart >= 0 && (h == null || h.position() + h.sizeInBytes() - chunkStart > buffer.capacity());
            if (flush) {
                if (!handler.accept(load(segment, chunkStart, chunkEnd))) {
                    return;
                }
                chunkStart = -1;
            }
            if (h == null) {
                return;
            }
            if (chunkStart < 0) {
                chunkStart = h.position();
            }
            chunkEnd = h.position() + h.sizeInBytes();
        }
    }

    private MemoryRecords load(LogSegment segment, long from, long to) throws IOException {
        int length = Math.toIntExact(to - from);
        if (buffer.capacity() < length) {
            buffer = ByteBuffer.allocate(length);
        }
        buffer.clear().limit(length);
        while (buffer.hasRemaining()) {
            if (segment.channel().read(buffer, from + buffer.position()) < 0) {
                throw new CorruptRecordException("Segment " + segment.logFile() + " ends before position " + to);
            }
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer.slice());
    }
}
