package io.strata.engine.log.validation;

import java.nio.ByteBuffer;

/**
 * Checks the framing of a snappy-compressed records section before snappy-java's stream reads it.
 * {@code SnappyInputStream} allocates each chunk's buffers from lengths the stream declares (a compressed
 * chunk of up to 512 MiB, an uncompressed block of up to 4 GiB) before it has seen the bytes, so one small
 * hostile batch could make the broker allocate gigabytes. Every declared length is held to what the batch
 * can really contain: a chunk to the bytes left, an uncompressed block to snappy's largest possible
 * expansion of its chunk (a 3-byte copy element yields at most 64 bytes).
 *
 * <p>Layout (xerial framing, as kafka-clients writes it): a 16-byte header (8 magic bytes, version,
 * compatible version), then chunks of int32 length + raw snappy block, whose first bytes are its
 * uncompressed length as a varint. A header may recur between chunks (concatenated streams); input
 * without the magic is one raw snappy block. Stateless.
 */
final class SnappyFrames {
    private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_BYTES = 16;
    private static final int MAGIC_HEAD = ByteBuffer.wrap(MAGIC).getInt();
    private static final long MAX_EXPANSION = 22; // ceil(64 / 3)

    private SnappyFrames() {
    }

    /** @return null if the framing is sound, else why not */
    static String check(ByteBuffer records) {
        ByteBuffer in = records.duplicate();
        if (!startsWithMagic(in)) {
            return checkBlock(in, in.remaining(), "raw snappy block");
        }
        in.position(in.position() + HEADER_BYTES);
        int chunk = 0;
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                return "snappy chunk " + chunk + " has a truncated length";
            }
            int length = in.getInt();
            if (length == MAGIC_HEAD) {
                if (in.remaining() < HEADER_BYTES - 4) {
                    return "truncated snappy header before chunk " + chunk;
                }
                in.position(in.position() + HEADER_BYTES - 4);
                continue;
            }
            if (length < 0 || length > in.remaining()) {
                return "snappy chunk " + chunk + " declares " + length + " bytes but " + in.remaining() + " remain";
            }
            String problem = checkBlock(in.duplicate().limit(in.position() + length), length, "snappy chunk " + chunk);
            if (problem != null) {
                return problem;
            }
            in.position(in.position() + length);
            chunk++;
        }
        return null;
    }

    private static boolean startsWithMagic(ByteBuffer in) {
        if (in.remaining() < HEADER_BYTES) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (in.get(in.position() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String checkBlock(ByteBuffer block, int length, String what) {
        long uncompressed = 0;
        for (int shift = 0; ; shift += 7) {
            if (!block.hasRemaining() || shift > 28) {
                return what + " has no valid uncompressed length";
            }
            int b = block.get() & 0xff;
            uncompressed |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (uncompressed > MAX_EXPANSION * length) {
            return what + " of " + length + " bytes claims " + uncompressed + " bytes uncompressed, more than snappy can encode in it";
        }
        return null;
    }
}
