package io.strata.engine.log.validation;

import io.strata.engine.config.LogConfig;
import io.strata.engine.testing.RawBatches;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.testing.RawBatches.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Direct checks of {@link RecordInput}'s varint decoding and of {@link RecordsValidator} (through
 * {@link BatchValidator#validate}) on records written by hand, field by field, so each one breaks exactly one
 * rule. Structural cases run in every codec: the buffer path (uncompressed) and the stream paths.
 */
class RecordsValidatorTest {
    private static final LogConfig DEFAULTS = LogConfig.of(Map.of());

    // ---- varints ----

    @Test
    void varintsLongerThanTheirTypeAreRefused() {
        assertMalformed(raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x00), RecordInput::readVarint); // six bytes
        assertMalformed(raw(0xff, 0xff, 0xff, 0xff, 0x1f), RecordInput::readVarint); // bits past 32
        assertMalformed(raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00),
                RecordInput::readVarlong); // eleven bytes
        assertMalformed(raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x03),
                RecordInput::readVarlong); // bits past 64
    }

    @Test
    void varintsAtTheLimitsOfTheirTypeAreRead() throws IOException {
        for (RecordInput input : inputs(raw(0xff, 0xff, 0xff, 0xff, 0x0f))) {
            assertThat(input.readVarint()).isEqualTo(Integer.MIN_VALUE);
        }
        for (RecordInput input : inputs(raw(0xfe, 0xff, 0xff, 0xff, 0x0f))) {
            assertThat(input.readVarint()).isEqualTo(Integer.MAX_VALUE);
        }
        for (RecordInput input : inputs(raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))) {
            assertThat(input.readVarlong()).isEqualTo(Long.MIN_VALUE);
        }
    }

    @Test
    void aVarintCutShortIsTruncatedNotMalformed() {
        for (RecordInput input : inputs(raw(0x80, 0x80))) {
            assertThatThrownBy(input::readVarint).isInstanceOf(RecordInput.TruncatedException.class);
        }
    }

    // ---- records ----

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aWellFormedHandWrittenBatchIsAccepted(CompressionType codec) {
        byte[] section = concat(record(0, "k0", "v0", 0), record(1, "k1", "v1", 0));
        BatchValidator.validate(batch(codec, section, 2), DEFAULTS, T0, AppendOrigin.CLIENT);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void bytesAfterTheLastRecordInsideTheBatchAreRefused(CompressionType codec) {
        byte[] section = concat(record(0, "k0", "v0", 0), record(1, "k1", "v1", 0), new byte[] {0, 0, 0});
        assertRefused(batch(codec, section, 2), 2, "bytes follow the last");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aHeaderWithANegativeKeyLengthIsRefused(CompressionType codec) {
        byte[] bad = record(b -> {
            standardFields(b, 1, "k1", "v1");
            ByteUtils.writeVarint(1, b); // one header...
            ByteUtils.writeVarint(-1, b); // ...with a null key
            ByteUtils.writeVarint(-1, b);
        });
        assertRefused(batch(codec, concat(record(0, "k0", "v0", 0), bad), 2), 1, "invalid key length -1");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aHeaderKeyRunningPastTheRecordIsRefused(CompressionType codec) {
        byte[] bad = record(b -> {
            standardFields(b, 0, "k0", "v0");
            ByteUtils.writeVarint(1, b);
            ByteUtils.writeVarint(40, b); // 40 key bytes, 2 present
            b.put(bytes("hk"));
        });
        assertRefused(batch(codec, concat(bad, record(1, "k1", "v1", 0)), 2), 0, "runs past the end of the record");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aNegativeHeaderCountIsRefused(CompressionType codec) {
        byte[] bad = record(b -> {
            standardFields(b, 0, "k0", "v0");
            ByteUtils.writeVarint(-3, b);
        });
        assertRefused(batch(codec, bad, 1), 0, "invalid header count -3");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void anOverLongVarintInsideARecordIsRefused(CompressionType codec) {
        byte[] bad = record(b -> {
            b.put((byte) 0); // attributes
            ByteUtils.writeVarlong(0, b); // timestamp delta
            b.put(raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x00)); // offset delta 0 in six bytes
            ByteUtils.writeVarint(-1, b);
            ByteUtils.writeVarint(-1, b);
            ByteUtils.writeVarint(0, b);
        });
        assertRefused(batch(codec, bad, 1), 0, "varint does not fit in 32 bits");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aKeyLengthBelowMinusOneIsRefused(CompressionType codec) {
        byte[] bad = record(b -> {
            b.put((byte) 0);
            ByteUtils.writeVarlong(0, b);
            ByteUtils.writeVarint(0, b);
            ByteUtils.writeVarint(-2, b); // key length
            ByteUtils.writeVarint(-1, b);
            ByteUtils.writeVarint(0, b);
        });
        assertRefused(batch(codec, bad, 1), 0, "invalid key length -2");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aRecordLongerThanItsFieldsIsRefused(CompressionType codec) {
        byte[] bad = record(b -> {
            standardFields(b, 0, "k0", "v0");
            ByteUtils.writeVarint(0, b);
            b.put((byte) 0); // one byte no field accounts for
        });
        assertRefused(batch(codec, bad, 1), 0, "but its fields take");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void offsetDeltasOutOfOrderAreRefused(CompressionType codec) {
        assertRefused(batch(codec, concat(record(0, "k0", "v0", 0), record(2, "k1", "v1", 0)), 2), 1,
                "offset delta 2 where 1 was expected");
    }

    @Test
    void aRecordShorterThanTheSmallestPossibleIsRefused() {
        byte[] section = concat(record(0, "k0", "v0", 0), raw(10, 0, 0, 0, 0, 0)); // length 5, five zero bytes
        assertRefused(batch(CompressionType.NONE, section, 2), 1, "below the minimum");
    }

    // ---- header fields a rewritten batch depends on ----

    @Test
    void aProducerIdBelowMinusOneIsRefusedInsteadOfFailingTheRewrite() {
        ByteBuffer batch = RawBatches.batch(Compression.gzip().build(), new SimpleRecord(T0, bytes("k"), bytes("v")));
        batch.putLong(RawBatches.PRODUCER_ID, -2L);
        RawBatches.fixCrc(batch);
        LogConfig zstd = LogConfig.of(Map.of("compression.type", "zstd"));
        assertThatThrownBy(() -> BatchValidator.validate(RawBatches.records(batch), zstd, T0, AppendOrigin.CLIENT))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("Invalid producer id -2");
    }

    @Test
    void aNegativeProducerEpochWithAProducerIdIsRefusedInsteadOfFailingTheRewrite() {
        ByteBuffer batch = RawBatches.copy(MemoryRecords.withIdempotentRecords(Compression.gzip().build(), 42L,
                (short) 0, 0, new SimpleRecord(T0, bytes("k"), bytes("v"))));
        batch.putShort(RawBatches.PRODUCER_EPOCH, RecordBatch.NO_PRODUCER_EPOCH); // kafka-clients will not write it
        RawBatches.fixCrc(batch);
        LogConfig zstd = LogConfig.of(Map.of("compression.type", "zstd"));
        assertThatThrownBy(() -> BatchValidator.validate(RawBatches.records(batch), zstd, T0, AppendOrigin.CLIENT))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("Invalid producer epoch -1");
    }

    // ---- snappy sizes, checked before snappy-java allocates them ----

    @Test
    void aNegativeSnappyChunkSizeIsRefused() {
        // Unchecked, snappy-java throws an Error (SnappyError), which used to close the connection.
        assertSnappyRefused(snappyWithFirstChunkSize(0xa0000000), "snappy chunk 0 declares -1610612736 bytes");
    }

    @Test
    void aSnappyChunkLargerThanThePayloadIsRefused() {
        // Unchecked, snappy-java allocates the 256 MiB before finding the bytes missing.
        assertSnappyRefused(snappyWithFirstChunkSize(0x10000000), "snappy chunk 0 declares 268435456 bytes");
    }

    @Test
    void aSnappyChunkDeclaringMoreThanSnappyCanExpandToIsRefused() {
        // A 6-byte chunk whose block claims 2^31-1 bytes: unchecked, snappy-java allocates them (2 GiB).
        byte[] header = Arrays.copyOf(RawBatches.recordsSection(snappy()), 16);
        byte[] chunk = concat(raw(0, 0, 0, 6), raw(0xff, 0xff, 0xff, 0xff, 0x07, 0x00));
        assertSnappyRefused(batch(CompressionType.SNAPPY, concat(header, chunk), 1, false),
                "claims 2147483647 bytes uncompressed");
    }

    @Test
    void aHeaderlessSnappyBlockDeclaringMoreThanSnappyCanExpandToIsRefused() {
        // Without snappy-java's header the whole payload is one raw block, read and allocated at once.
        assertSnappyRefused(batch(CompressionType.SNAPPY, raw(0xff, 0xff, 0xff, 0xff, 0x07, 0x00), 1, false),
                "claims 2147483647 bytes uncompressed");
    }

    // ---- timestamp type ----

    @Test
    void aBatchFlaggedLogAppendTimeIsStoredAsCreateTimeOnACreateTimeTopic() {
        ByteBuffer batch = RawBatches.batch(Compression.NONE, new SimpleRecord(T0, bytes("k"), bytes("v")));
        batch.putShort(RawBatches.ATTRIBUTES, (short) (batch.getShort(RawBatches.ATTRIBUTES) | 0x08));
        RawBatches.fixCrc(batch);
        assertThat(RawBatches.records(batch).batches().iterator().next().timestampType())
                .isEqualTo(TimestampType.LOG_APPEND_TIME);

        BatchValidator.ValidatedBatch validated =
                BatchValidator.validate(RawBatches.records(batch), DEFAULTS, T0, AppendOrigin.CLIENT);
        assertThat(validated.batch().timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(validated.batch().maxTimestamp()).isEqualTo(T0);
        validated.batch().ensureValid();
    }

    // ---- helpers ----

    private interface Read {
        void from(RecordInput input) throws IOException;
    }

    /** The bytes as both kinds of input: a buffer and a stream. */
    private static RecordInput[] inputs(byte[] bytes) {
        return new RecordInput[] {RecordInput.of(ByteBuffer.wrap(bytes)),
                RecordInput.of(new ByteArrayInputStream(bytes), new byte[16])};
    }

    private static void assertMalformed(byte[] bytes, Read read) {
        for (RecordInput input : inputs(bytes)) {
            assertThatThrownBy(() -> read.from(input)).as("%s", Arrays.toString(bytes))
                    .isInstanceOf(RecordInput.MalformedVarintException.class);
        }
    }

    private static ByteBuffer snappy() {
        return RawBatches.batch(Compression.snappy().build(), new SimpleRecord(T0, bytes("k"), bytes("v")));
    }

    /** A snappy batch whose first chunk size (after snappy-java's 16-byte header) is {@code size}. */
    private static MemoryRecords snappyWithFirstChunkSize(int size) {
        ByteBuffer batch = snappy();
        int firstChunkSize = RawBatches.HEADER + 16;
        assertThat(batch.getInt(firstChunkSize)).as("the first chunk's size").isBetween(1, batch.limit());
        batch.putInt(firstChunkSize, size);
        return RawBatches.records(RawBatches.fixCrc(batch));
    }

    private static void assertSnappyRefused(MemoryRecords batch, String reason) {
        assertRefused(batch, 0, "snappy payload could not be decompressed");
        assertRefused(batch, 0, reason);
    }

    private static void assertRefused(MemoryRecords batch, int badRecord, String reason) {
        assertThatThrownBy(() -> BatchValidator.validate(batch, DEFAULTS, T0, AppendOrigin.CLIENT))
                .isInstanceOfSatisfying(RecordValidationException.class, e -> {
                    assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD);
                    assertThat(e.recordErrors()).singleElement().satisfies(error -> {
                        assertThat(error.batchIndex()).isEqualTo(badRecord);
                        assertThat(error.message()).contains(reason);
                    });
                });
    }

    /** A batch with {@code section} as its records (compressed with {@code codec}) and {@code count} declared. */
    private static MemoryRecords batch(CompressionType codec, byte[] section, int count) {
        return batch(codec, section, count, codec != CompressionType.NONE);
    }

    /** As {@link #batch(CompressionType, byte[], int)}; without {@code compress} the section is stored as given. */
    private static MemoryRecords batch(CompressionType codec, byte[] section, int count, boolean compress) {
        ByteBuffer template = RawBatches.batch(Compression.NONE, new SimpleRecord(T0, bytes("t"), bytes("t")));
        byte[] stored = compress ? compress(Compression.of(codec).build(), section) : section;
        return RawBatches.records(RawBatches.withCodecBits(RawBatches.withRecordsSection(template, stored, count),
                codec.id));
    }

    private static byte[] compress(Compression compression, byte[] bytes) {
        ByteBufferOutputStream out = new ByteBufferOutputStream(256);
        try (OutputStream stream = compression.wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2)) {
            stream.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer buffer = out.buffer().flip();
        byte[] compressed = new byte[buffer.remaining()];
        buffer.get(compressed);
        return compressed;
    }

    /** A well-formed record: timestamp delta 0, the given offset delta, key, value and {@code headers} headers. */
    private static byte[] record(int offsetDelta, String key, String value, int headers) {
        return record(b -> {
            standardFields(b, offsetDelta, key, value);
            ByteUtils.writeVarint(headers, b);
            for (int i = 0; i < headers; i++) {
                ByteUtils.writeVarint(1, b);
                b.put(bytes("h"));
                ByteUtils.writeVarint(-1, b);
            }
        });
    }

    /** Attributes, timestamp delta 0, offset delta, key and value: every field before the header count. */
    private static void standardFields(ByteBuffer b, int offsetDelta, String key, String value) {
        b.put((byte) 0);
        ByteUtils.writeVarlong(0, b);
        ByteUtils.writeVarint(offsetDelta, b);
        ByteUtils.writeVarint(key.length(), b);
        b.put(bytes(key));
        ByteUtils.writeVarint(value.length(), b);
        b.put(bytes(value));
    }

    /** The record body {@code fields} writes, preceded by its length varint. */
    private static byte[] record(Consumer<ByteBuffer> fields) {
        ByteBuffer body = ByteBuffer.allocate(256);
        fields.accept(body);
        body.flip();
        ByteBuffer framed = ByteBuffer.allocate(5 + body.remaining());
        ByteUtils.writeVarint(body.remaining(), framed);
        framed.put(body).flip();
        byte[] out = new byte[framed.remaining()];
        framed.get(out);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }

    private static byte[] raw(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
