package io.strata.engine.log.segment;

import org.apache.kafka.common.errors.CorruptRecordException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks the batch headers of a segment file between two positions without reading the records. Reads
 * ahead in blocks so runs of small batches cost one read; after a batch larger than a block it reads only the
 * next header, since the block would be mostly records skipped over (a consumer's fetch of 64 KiB batches copied
 * an 8 KiB block per batch, an eighth of the data it then sent with sendfile).
 *
 * <p>Only meant for bytes already validated (below the published end of a segment, or trusted after a
 * clean shutdown): a header that does not fit before the end is reported as corruption. Not thread-safe:
 * create one per scan.
 */
public final class SegmentScanner {
    private static final int READ_AHEAD = 8192;

    private final FileChannel channel;
    private final long end;
    private final ByteBuffer window = ByteBuffer.allocate(READ_AHEAD);
    private long windowStart;
    private int windowLength;
    private long position;
    private long lastBatchSize;
    private int reads;
    private long bytesRead;

    public SegmentScanner(FileChannel channel, long start, long end) {
        this.channel = channel;
        this.position = start;
        this.end = end;
        this.windowStart = start;
        this.windowLength = 0;
    }

    /** Reads from the file so far (for tests). */
    int reads() {
        return reads;
    }

    /** Bytes read from the file so far (for tests). */
    long bytesRead() {
        return bytesRead;
    }

    /** Position of the next batch (or the end). */
    long position() {
        return position;
    }

    /** The next header, or null at the end. Throws CorruptRecordException on a malformed or cut-off batch. */
    public BatchHeader next() throws IOException {
        if (position >= end) {
            return null;
        }
        if (end - position < BatchHeader.SIZE) {
            throw new CorruptRecordException("Partial batch header at position " + position);
        }
        if (position < windowStart || position + BatchHeader.SIZE > windowStart + windowLength) {
            fill(position);
        }
        BatchHeader header = BatchHeader.parse(window, (int) (position - windowStart), position);
        if (header.magic() != 2 || header.length() < BatchHeader.SIZE - BatchHeader.LOG_OVERHEAD
                || position + header.sizeInBytes() > end || header.lastOffsetDelta() < 0) {
            throw new CorruptRecordException("Malformed batch header at position " + position + ": " + header);
        }
        position += header.sizeInBytes();
        lastBatchSize = header.sizeInBytes();
        return header;
    }

    private void fill(long from) throws IOException {
        window.clear();
        int want = (int) Math.min(lastBatchSize > READ_AHEAD ? BatchHeader.SIZE : READ_AHEAD, end - from);
        reads++;
        bytesRead += want;
        window.limit(want);
        while (window.hasRemaining()) {
            if (channel.read(window, from + window.position()) < 0) {
                throw new CorruptRecordException("Segment file ends at " + (from + window.position())
                        + " before its expected end " + end);
            }
        }
        windowStart = from;
        windowLength = want;
    }
}
