package io.strata.engine.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Validates the batches of a segment file from its start: each needs a whole v2 header, a length that fits
 * in the file, magic 2, offsets that increase, and a CRC32C that matches. The first batch failing any check
 * ends the valid prefix. Reads in bounded chunks, so a garbage length can never cause a large allocation.
 */
public final class SegmentRecovery {
    private static final int CHUNK = 64 * 1024;

    /** Called for each valid batch, in order, with its file position. */
    interface BatchVisitor {
        void accept(BatchHeader header, int position) throws IOException;
    }

    /**
     * @param validBytes     length of the valid prefix
     * @param truncatedBytes bytes after it (torn or corrupt)
     * @param nextOffset     offset after the last valid batch (the segment base if none)
     * @param batches        valid batches
     * @param problem        why validation stopped early, or null
     */
    public record Result(int validBytes, long truncatedBytes, long nextOffset, int batches, String problem) {
    }

    private SegmentRecovery() {
    }

    static Result scan(FileChannel channel, long segmentBase, long minOffset, BatchVisitor visitor)
            throws IOException {
        long fileSize = channel.size();
        ByteBuffer headerBuffer = ByteBuffer.allocate(BatchHeader.SIZE);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        CRC32C crc = new CRC32C();
        long position = 0;
        long expectedOffset = minOffset;
        long nextOffset = segmentBase;
        int batches = 0;
        String problem = null;
        while (position < fileSize) {
            if (fileSize - position < BatchHeader.SIZE) {
                problem = "partial batch header";
                break;
            }
            readFully(channel, headerBuffer.clear(), position);
            BatchHeader header = BatchHeader.parse(headerBuffer, 0, position);
            problem = checkHeader(header, position, fileSize, expectedOffset, segmentBase);
            if (problem == null && crcOf(channel, position, header.sizeInBytes(), crc, chunk) != header.crc()) {
                problem = "CRC mismatch";
            }
            if (problem != null) {
                break;
            }
            visitor.accept(header, (int) position);
            batches++;
            position += header.sizeInBytes();
            expectedOffset = header.nextOffset();
            nextOffset = expectedOffset;
        }
        return new Result((int) position, fileSize - position, nextOffset, batches,
                problem == null ? null : problem + " at position " + position);
    }

    private static String checkHeader(BatchHeader h, long position, long fileSize, long expectedOffset,
                                      long segmentBase) {
        if (h.baseOffset() == 0 && h.length() == 0 && h.magic() == 0) {
            return "zero-filled tail";
        }
        if (h.magic() != 2) {
            return "unsupported magic " + h.magic();
        }
        if (h.length() < BatchHeader.SIZE - BatchHeader.LOG_OVERHEAD) {
            return "batch length " + h.length() + " below the v2 minimum";
        }
        if (position + h.sizeInBytes() > fileSize) {
            return "batch of " + h.sizeInBytes() + " bytes runs past the end of the file";
        }
        if (position + h.sizeInBytes() > Integer.MAX_VALUE) {
            return "segment larger than 2 GiB";
        }
        if (h.lastOffsetDelta() < 0) {
            return "negative lastOffsetDelta " + h.lastOffsetDelta();
        }
        if (h.baseOffset() < expectedOffset) {
            return "offset " + h.baseOffset() + " below the expected " + expectedOffset;
        }
        if (h.lastOffset() - segmentBase > Integer.MAX_VALUE) {
            return "offset " + h.lastOffset() + " too far above the segment base " + segmentBase;
        }
        return null;
    }

    /** CRC32C of the batch from its attributes field to its end, read in chunks. */
    private static long crcOf(FileChannel channel, long batchPosition, long batchSize, CRC32C crc, ByteBuffer chunk)
            throws IOException {
        crc.reset();
        long position = batchPosition + BatchHeader.CRC_COVERAGE_START;
        long end = batchPosition + batchSize;
        while (position < end) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), end - position));
            readFully(channel, chunk, position);
            chunk.flip();
            position += chunk.remaining();
            crc.update(chunk);
        }
        return crc.getValue();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("Unexpected end of segment file at " + at);
            }
            at += read;
        }
    }
}
