package io.strata.engine.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Checks the sizes a snappy payload declares against the bytes it really has, before snappy-java reads it.
 * snappy-java allocates what the stream declares up front: each chunk's compressed size (up to 512 MiB)
 * and then the uncompressed size its block declares (up to 2 GiB), so a batch with a few changed bytes
 * (and a recomputed CRC) could make it allocate gigabytes. This walks the framing as snappy-java does,
 * without decompressing or allocating, and refuses a chunk larger than what is left and a block claiming
 * more than snappy can expand its bytes to; what passes is then decoded by snappy-java as usual.
 *
 * <p>The framing is snappy-java's (what Kafka clients write): a 16-byte header (8-byte magic, version,
 * compatible version), then chunks of a 4-byte size and a raw snappy block, possibly followed by another
 * header (concatenated streams); without a header snappy-java reads the whole payload as one raw block. A
 * raw block starts with its uncompressed length as a varint. Stateless.
 */
final class SnappyFraming {
    private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_SIZE = 16;
    /** The magic's first four bytes, which snappy-java takes for a header where a chunk size was due. */
    private static final int MAGIC_HEAD = 0x82534e41;
    /**
     * The most one byte of a snappy block can become: the densest element, a copy with a 2-byte offset,
     * takes 3 bytes for 64 (21.3 times).
     */
    private static final int MAX_EXPANSION = 22;

    private SnappyFraming() {
    }

    /** @param payload the batch's records section, position to limit; not modified */
    static void check(ByteBuffer payload) throws IOException {
        ByteBuffer in = payload.duplicate();
        if (!headerAt(in)) {
            checkBlock(in, in.position(), in.remaining());
            return;
        }
        in.position(in.position() + HEADER_SIZE);
        while (in.remaining() >= 4) { // snappy-java ignores fewer than four trailing bytes
            int chunkSize = in.getInt(in.position());
            if (chunkSize == MAGIC_HEAD) {
                if (in.remaining() < HEADER_SIZE || !headerAt(in)) {
                    return; // snappy-java fails on a short header and stops reading at a bad one
                }
                in.position(in.position() + HEADER_SIZE);
                continue;
            }
            in.position(in.position() + 4);
            if (chunkSize < 0 || chunkSize > in.remaining()) {
                throw new IOException("snappy chunk of " + chunkSize + " bytes where " + in.remaining()
                        + " are left");
            }
            checkBlock(in, in.position(), chunkSize);
            in.position(in.position() + chunkSize);
        }
    }

    private static boolean headerAt(ByteBuffer in) {
        if (in.remaining() < HEADER_SIZE) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (in.get(in.position() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Refuses a raw block whose declared uncompressed length its {@code length} bytes cannot hold. */
    private static void checkBlock(ByteBuffer in, int offset, int length) throws IOException {
        long declared = 0;
        for (int i = 0; i < Math.min(5, length); i++) {
            int b = in.get(offset + i) & 0xff;
            declared |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (declared > (long) MAX_EXPANSION * length) {
                    throw new IOException("snappy block of " + length + " bytes declares " + declared
                            + " bytes uncompressed");
                }
                return;
            }
        }
        // An unterminated length: snappy-java refuses it without allocating.
    }
}
