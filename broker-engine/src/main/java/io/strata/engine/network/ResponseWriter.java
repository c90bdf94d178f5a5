package io.strata.engine.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundInvoker;
import io.strata.engine.log.segment.FileSlice;

/**
 * Serializes one response frame straight into Netty buffers. Protocol fields go into one pooled buffer;
 * in-memory records are wrapped, not copied; segment slices become {@link SegmentFileRegion}s (which take over the
 * slices' segment references), except small slices of an active segment, which are copied into a pooled buffer
 * ({@link #MAX_COPIED_SLICE_BYTES}). The frame is the ordered list of those parts. Used by one thread.
 */
final class ResponseWriter implements Writable {
    /**
     * Slices of an active segment up to this size are read into the frame instead of sent by sendfile.
     * {@code FileChannel.transferTo} stats the file before its sendfile, and since Linux 6.13 (multigrain
     * timestamps) a stat makes the file's next write take a fine-grained modification time: an append after a
     * reader's stat leaves the inode dirty, and the fdatasync that makes the append durable writes the inode's block
     * as well (a 1 KiB write and fdatasync here: 95 us and 42 us of CPU, with a stat in between 130-170
     * us and 63-79 us). A consumer or follower keeping up reads small slices of the active segment after nearly
     * every append; copying a few KiB costs far less than that. Larger reads, and any read of a rolled segment,
     * which nothing appends to, keep the zero-copy path.
     */
    static final int MAX_COPIED_SLICE_BYTES = 64 * 1024;

    private final List<Object> parts = new ArrayList<>();
    private final ByteBufAllocator allocator;
    private final ByteBuf fields;
    /** Start of the bytes in {@link #fields} not yet cut into {@link #parts}. */
    private int pending;

    ResponseWriter(ByteBufAllocator allocator, int fieldBytes) {
        this.allocator = allocator;
        this.fields = allocator.buffer(fieldBytes);
    }

    @Override
    public void writeByte(byte val) {
        fields.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        fields.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        fields.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        fields.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        fields.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        fields.writeBytes(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
        while ((i & 0xFFFFFF80) != 0) {
            fields.writeByte((i & 0x7F) | 0x80);
            i >>>= 7;
        }
        fields.writeByte(i);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        fields.writeBytes(buf.duplicate());
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long i) {
        long v = (i << 1) ^ (i >> 63);
        while ((v & 0xFFFFFFFFFFFFFF80L) != 0L) {
            fields.writeByte(((int) v & 0x7F) | 0x80);
            v >>>= 7;
        }
        fields.writeByte((int) v);
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof FileSlice slice) {
            cutFields();
            parts.add(slice.growing() && slice.size() <= MAX_COPIED_SLICE_BYTES ? copy(slice)
                    : new SegmentFileRegion(slice));
        } else if (records instanceof MemoryRecords memory) {
            cutFields();
            parts.add(Unpooled.wrappedBuffer(memory.buffer().duplicate()));
        } else {
            throw new IllegalArgumentException("Cannot send records of type " + records.getClass().getName());
        }
    }

    /**
     * Writes the frame's parts in order without flushing them (the caller flushes, once for every response written
     * in the same event-loop pass); the writer must not be used afterwards.
     */
    void write(ChannelOutboundInvoker ctx) {
        cutFields();
        fields.release();
        if (ZeroCopyHold.parkIfHeld(parts, ctx)) {
            return; // written and flushed when the hold is released
        }
        for (Object part : parts) {
            ctx.write(part, ctx.voidPromise());
        }
    }

    static void writeParts(List<Object> parts, ChannelOutboundInvoker ctx) {
        for (Object part : parts) {
            ctx.write(part, ctx.voidPromise());
        }
        ctx.flush();
    }

    /** Releases what was written so far when serialization failed half way. */
    void discard() {
        fields.release();
        for (Object part : parts) {
            io.netty.util.ReferenceCountUtil.release(part);
        }
        parts.clear();
    }

    /** Reads the slice into a pooled buffer (pread: no stat) and gives its segment reference back. */
    private ByteBuf copy(FileSlice slice) {
        ByteBuf copy = allocator.directBuffer(slice.size());
        try {
            if (slice.readInto(copy.nioBuffer(0, slice.size())) < slice.size()) {
                throw new IOException("Segment shrank below the fetched region [" + slice.position() + ", "
                        + (slice.position() + slice.size()) + ")");
            }
            copy.writerIndex(slice.size());
            return copy;
        } catch (IOException e) {
            copy.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            copy.release();
            throw e;
        } finally {
            slice.release();
        }
    }

    private void cutFields() {
        int end = fields.writerIndex();
        if (end > pending) {
            parts.add(fields.retainedSlice(pending, end - pending));
            pending = end;
        }
    }
}
