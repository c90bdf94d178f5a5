package io.strata.engine.log;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The records section of one batch as a sequence of bytes to parse: either the batch's own buffer
 * (uncompressed) or a decompressing stream. Varints are decoded strictly: an encoding longer than its
 * type allows, or whose last byte carries bits beyond it, is refused rather than truncated, since no Kafka
 * client writes one.
 *
 * <p>Every read is bounded by what the source holds, so a length field can never make the parser allocate
 * or skip more than the batch (or the decompressed stream) really contains. Not thread-safe: one instance
 * per batch being validated.
 */
abstract sealed class RecordInput {

    /** Thrown when the bytes end inside a record. */
    static final class TruncatedException extends IOException {
        TruncatedException(String message) {
            super(message);
        }
    }

    /** Thrown for a varint that no Kafka writer produces. */
    static final class MalformedVarintException extends IOException {
        MalformedVarintException(String message) {
            super(message);
        }
    }

    /** Bytes consumed so far. */
    abstract long position();

    /** Bytes left when the source knows (a buffer), else {@link Long#MAX_VALUE}. */
    abstract long remaining();

    abstract int readByte() throws IOException;

    /** Skips exactly {@code n} bytes or throws {@link TruncatedException}. */
    abstract void skip(int n) throws IOException;

    /** Reads exactly {@code n} bytes into a new array or throws {@link TruncatedException}. */
    abstract byte[] readBytes(int n) throws IOException;

    /** True when no byte is left (reads ahead one byte on a stream). */
    abstract boolean atEnd() throws IOException;

    final int readVarint() throws IOException {
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = readByte();
            if (shift == 28 && (b & 0xf0) != 0) {
                throw new MalformedVarintException("varint does not fit in 32 bits");
            }
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new MalformedVarintException("varint longer than 5 bytes");
    }

    final long readVarlong() throws IOException {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            long b = readByte();
            if (shift == 63 && (b & 0xfe) != 0) {
                throw new MalformedVarintException("varlong does not fit in 64 bits");
            }
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new MalformedVarintException("varlong longer than 10 bytes");
    }

    /** Over the records section of an uncompressed batch: position to limit of {@code buffer}. */
    static RecordInput of(ByteBuffer buffer) {
        return new Buffered(buffer);
    }

    /** Over a decompressing stream; {@code scratch} is a reusable buffer for skipping. */
    static RecordInput of(InputStream stream, byte[] scratch) {
        return new Streamed(stream, scratch);
    }

    private static final class Buffered extends RecordInput {
        private final ByteBuffer buffer;
        private final int start;

        Buffered(ByteBuffer buffer) {
            this.buffer = buffer;
            this.start = buffer.position();
        }

        @Override
        long position() {
            return buffer.position() - start;
        }

        @Override
        long remaining() {
            return buffer.remaining();
        }

        @Override
        int readByte() throws IOException {
            if (!buffer.hasRemaining()) {
                throw new TruncatedException("the batch ends inside a record");
            }
            return buffer.get() & 0xff;
        }

        @Override
        void skip(int n) throws IOException {
            require(n);
            buffer.position(buffer.position() + n);
        }

        @Override
        byte[] readBytes(int n) throws IOException {
            require(n);
            byte[] bytes = new byte[n];
            buffer.get(bytes);
            return bytes;
        }

        private void require(int n) throws TruncatedException {
            if (n > buffer.remaining()) {
                throw new TruncatedException("a length of " + n + " runs past the end of the batch ("
                        + buffer.remaining() + " bytes left)");
            }
        }

        @Override
        boolean atEnd() {
            return !buffer.hasRemaining();
        }
    }

    private static final class Streamed extends RecordInput {
        private final InputStream stream;
        private final byte[] scratch;
        private long position;
        /** A byte read ahead by {@link #atEnd()}, or -1. */
        private int peeked = -1;

        Streamed(InputStream stream, byte[] scratch) {
            this.stream = stream;
            this.scratch = scratch;
        }

        @Override
        long position() {
            return position;
        }

        @Override
        long remaining() {
            return Long.MAX_VALUE;
        }

        @Override
        int readByte() throws IOException {
            int b;
            if (peeked >= 0) {
                b = peeked;
                peeked = -1;
            } else {
                b = stream.read();
                if (b < 0) {
                    throw new TruncatedException("the decompressed records end inside a record");
                }
            }
            position++;
            return b;
        }

        @Override
        void skip(int n) throws IOException {
            int left = n;
            if (left > 0 && peeked >= 0) {
                peeked = -1;
                left--;
            }
            while (left > 0) {
                int read = stream.read(scratch, 0, Math.min(left, scratch.length));
                if (read < 0) {
                    throw truncated(n, n - left);
                }
                left -= read;
            }
            position += n;
        }

        @Override
        byte[] readBytes(int n) throws IOException {
            // Fill in chunks so a length claiming more than the stream holds cannot allocate it up front.
            ByteBuffer out = ByteBuffer.allocate(Math.min(n, scratch.length));
            int left = n;
            if (left > 0 && peeked >= 0) {
                out.put((byte) peeked);
                peeked = -1;
                left--;
            }
            while (left > 0) {
                int read = stream.read(scratch, 0, Math.min(left, scratch.length));
                if (read < 0) {
                    throw truncated(n, n - left);
                }
                if (out.remaining() < read) {
                    ByteBuffer grown = ByteBuffer.allocate((int) Math.min(n, Math.max(2L * out.capacity(),
                            (long) out.position() + read)));
                    out.flip();
                    grown.put(out);
                    out = grown;
                }
                out.put(scratch, 0, read);
                left -= read;
            }
            position += n;
            return out.array();
        }

        private static TruncatedException truncated(int wanted, int got) {
            return new TruncatedException("a length of " + wanted + " runs past the end of the decompressed records ("
                    + got + " bytes left)");
        }

        @Override
        boolean atEnd() throws IOException {
            if (peeked >= 0) {
                return false;
            }
            peeked = stream.read();
            return peeked < 0;
        }
    }
}
