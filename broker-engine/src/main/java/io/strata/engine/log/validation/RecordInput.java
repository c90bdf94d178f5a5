package io.strata.engine.log.validation;

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
        // The fifth byte may carry only 4 bits and no continuation, so the loop ends there at the latest.
        for (int shift = 0; ; shift += 7) {
            int b = readByte();
            if (shift == 28 && (b & 0xf0) != 0) {
                throw new MalformedVarintException("varint does not fit in 32 bits");
            }
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
    }

    final long readVarlong() throws IOException {
        long raw = 0;
        // The tenth byte may carry only 1 bit and no continuation, so the loop ends there at the latest.
        for (int shift = 0; ; shift += 7) {
            long b = readByte();
            if (shift == 63 && (b & 0xfe) != 0) {
                throw new MalformedVarintException("varlong does not fit in 64 bits");
            }
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
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

    /** Reads the stream in chunks into {@code chunk}, so parsing costs no call into the codec per byte. */
    private static final class Streamed extends RecordInput {
        private final InputStream stream;
        private final byte[] chunk;
        private int next;
        private int filled;
        /** Bytes consumed before the current chunk. */
        private long consumedBefore;
        private boolean eof;

        Streamed(InputStream stream, byte[] chunk) {
            this.stream = stream;
            this.chunk = chunk;
        }

        @Override
        long position() {
            return consumedBefore + next;
        }

        @Override
        long remaining() {
            return Long.MAX_VALUE;
        }

        /** Makes at least one unread byte available in the chunk; false at the end of the stream. */
        private boolean fill() throws IOException {
            if (next < filled) {
                return true;
            }
            consumedBefore += filled;
            next = 0;
            filled = 0;
            while (!eof) {
                int read = stream.read(chunk, 0, chunk.length);
                if (read < 0) {
                    eof = true;
                } else if (read > 0) {
                    filled = read;
                    return true;
                }
            }
            return false;
        }

        @Override
        int readByte() throws IOException {
            if (!fill()) {
                throw new TruncatedException("the decompressed records end inside a record");
            }
            return chunk[next++] & 0xff;
        }

        @Override
        void skip(int n) throws IOException {
            copy(n, null);
        }

        @Override
        byte[] readBytes(int n) throws IOException {
            // Grown as bytes arrive, so a length claiming more than the stream holds is never allocated up front.
            ByteBuffer out = ByteBuffer.allocate(Math.min(n, chunk.length));
            return copy(n, out).array();
        }

        /** Consumes {@code n} bytes, appending them to {@code out} unless it is null; returns the final buffer. */
        private ByteBuffer copy(int n, ByteBuffer out) throws IOException {
            int left = n;
            while (left > 0) {
                if (!fill()) {
                    throw new TruncatedException("a length of " + n + " runs past the end of the decompressed records ("
                            + (n - left) + " bytes left)");
                }
                int take = Math.min(left, filled - next);
                if (out != null) {
                    if (out.remaining() < take) {
                        ByteBuffer grown = ByteBuffer.allocate((int) Math.min(n,
                                Math.max(2L * out.capacity(), (long) out.position() + take)));
                        grown.put(out.flip());
                        out = grown;
                    }
                    out.put(chunk, next, take);
                }
                next += take;
                left -= take;
            }
            return out;
        }

        @Override
        boolean atEnd() throws IOException {
            return !fill();
        }
    }
}
