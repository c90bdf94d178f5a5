package io.strata.engine.network;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import io.strata.engine.log.segment.FileSlice;

/**
 * Sends a {@link FileSlice} with {@link FileChannel#transferTo}, i.e. sendfile on Linux: batches go from
 * the page cache to the socket without entering the JVM heap. Unlike Netty's DefaultFileRegion it never
 * closes the channel, which belongs to the segment. It owns the slice's segment reference and gives it back
 * when Netty releases the region (written, failed, or dropped with a closed connection), so a segment deleted
 * meanwhile keeps its channel open until then. Netty drives it from the channel's event loop only.
 */
final class SegmentFileRegion extends AbstractReferenceCounted implements FileRegion {
    private final FileSlice slice;
    private final FileChannel file;
    private final long position;
    private final long count;
    private long transferred;

    SegmentFileRegion(FileSlice slice) {
        this.slice = slice;
        this.file = slice.channel();
        this.position = slice.position();
        this.count = slice.size();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long transferTo(WritableByteChannel target, long offset) throws IOException {
        long remaining = count - offset;
        if (remaining < 0 || offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " outside region of " + count + " bytes");
        }
        if (remaining == 0) {
            return 0L;
        }
        long written = file.transferTo(position + offset, remaining, target);
        if (written > 0) {
            transferred += written;
        } else if (written == 0 && file.size() < position + count) {
            // A segment truncated under an in-flight fetch would otherwise make Netty spin forever.
            throw new IOException("Segment shrank below the fetched region [" + position + ", "
                    + (position + count) + ")");
        }
        return written;
    }

    @Override
    public FileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileRegion touch() {
        return this;
    }

    @Override
    public FileRegion touch(Object hint) {
        return this;
    }

    @Override
    protected void deallocate() {
        slice.release(); // the segment owns the channel; this only drops our hold on it
    }
}
