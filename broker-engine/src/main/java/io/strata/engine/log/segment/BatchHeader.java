package io.strata.engine.log.segment;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;

/**
 * The fixed 61-byte header of a magic v2 record batch, parsed without touching the records, plus the
 * batch's position in its segment file (-1 when it is not in a file).
 *
 * <p>Layout: baseOffset int64 | length int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 * attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 | producerId int64 |
 * producerEpoch int16 | baseSequence int32 | recordCount int32.
 */
public record BatchHeader(long position, long baseOffset, int length, int partitionLeaderEpoch, byte magic, long crc,
                   short attributes, int lastOffsetDelta, long baseTimestamp, long maxTimestamp, long producerId,
                   short producerEpoch, int baseSequence, int recordCount) {

    /** Bytes of the v2 header; a batch is never shorter. */
    public static final int SIZE = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
    /** Bytes before the length field's value counts: baseOffset and length. */
    public static final int LOG_OVERHEAD = 12;
    public static final int MAGIC_OFFSET = 16;
    /** The CRC covers the batch from the attributes field to its end. */
    public static final int CRC_COVERAGE_START = 21;

    private static final int COMPRESSION_MASK = 0x07;
    private static final int TIMESTAMP_TYPE_MASK = 0x08;
    private static final int TRANSACTIONAL_MASK = 0x10;
    private static final int CONTROL_MASK = 0x20;
    private static final int DELETE_HORIZON_MASK = 0x40;

    /** Parses the header at {@code index} of {@code buffer}; the caller guarantees SIZE readable bytes. */
    public static BatchHeader parse(ByteBuffer buffer, int index, long position) {
        return new BatchHeader(position,
                buffer.getLong(index),
                buffer.getInt(index + 8),
                buffer.getInt(index + 12),
                buffer.get(index + 16),
                buffer.getInt(index + 17) & 0xffffffffL,
                buffer.getShort(index + 21),
                buffer.getInt(index + 23),
                buffer.getLong(index + 27),
                buffer.getLong(index + 35),
                buffer.getLong(index + 43),
                buffer.getShort(index + 51),
                buffer.getInt(index + 53),
                buffer.getInt(index + 57));
    }

    /** Total bytes of the batch, header included. */
    public long sizeInBytes() {
        return LOG_OVERHEAD + (long) length;
    }

    public long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    public long nextOffset() {
        return lastOffset() + 1;
    }

    public int compressionId() {
        return attributes & COMPRESSION_MASK;
    }

    public TimestampType timestampType() {
        return (attributes & TIMESTAMP_TYPE_MASK) != 0 ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
    }

    public boolean isTransactional() {
        return (attributes & TRANSACTIONAL_MASK) != 0;
    }

    public boolean hasDeleteHorizon() {
        return (attributes & DELETE_HORIZON_MASK) != 0;
    }

    public boolean isControl() {
        return (attributes & CONTROL_MASK) != 0;
    }

    public boolean hasProducerId() {
        return producerId > RecordBatch.NO_PRODUCER_ID;
    }

    public int lastSequence() {
        return baseSequence < 0 ? RecordBatch.NO_SEQUENCE
                : DefaultRecordBatch.incrementSequence(baseSequence, lastOffsetDelta);
    }

    /** The same header at another file position. */
    BatchHeader at(long newPosition) {
        return new BatchHeader(newPosition, baseOffset, length, partitionLeaderEpoch, magic, crc, attributes,
                lastOffsetDelta, baseTimestamp, maxTimestamp, producerId, producerEpoch, baseSequence, recordCount);
    }
}
