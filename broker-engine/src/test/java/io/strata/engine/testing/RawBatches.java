package io.strata.engine.testing;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.Crc32C;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds magic v2 record batches with kafka-clients and breaks them on purpose: field offsets of the
 * 61-byte header, writable copies, a records section swapped for other bytes, and the CRC recomputed after
 * a change so the broker gets past its CRC check and has to look at the records.
 */
public final class RawBatches {
    public static final int LENGTH = 8;
    public static final int MAGIC = 16;
    public static final int CRC = 17;
    /** The CRC32C covers the batch from the attributes field to its end. */
    public static final int ATTRIBUTES = 21;
    public static final int LAST_OFFSET_DELTA = 23;
    public static final int BASE_TIMESTAMP = 27;
    public static final int MAX_TIMESTAMP = 35;
    public static final int PRODUCER_ID = 43;
    public static final int PRODUCER_EPOCH = 51;
    public static final int RECORD_COUNT = 57;
    /** Size of the header; the records section starts here. */
    public static final int HEADER = 61;
    /** Bytes before the length field's value counts: base offset and length. */
    private static final int LOG_OVERHEAD = 12;

    private RawBatches() {
    }

    /** One batch holding {@code records}, in a writable heap buffer of its own (position 0). */
    public static ByteBuffer batch(Compression compression, SimpleRecord... records) {
        return copy(MemoryRecords.withRecords(compression, records));
    }

    /** A writable heap copy of the records' bytes, position 0. */
    public static ByteBuffer copy(MemoryRecords records) {
        ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
        copy.put(records.buffer().duplicate()).flip();
        return copy;
    }

    /** The batch as produce-request records (a view: later changes to {@code batch} show through). */
    public static MemoryRecords records(ByteBuffer batch) {
        return MemoryRecords.readableRecords(batch.duplicate());
    }

    /** Recomputes the CRC32C of a batch starting at position 0 (over attributes to the limit) and stores it. */
    public static ByteBuffer fixCrc(ByteBuffer batch) {
        long crc = Crc32C.compute(batch, ATTRIBUTES, batch.limit() - ATTRIBUTES);
        batch.putInt(CRC, (int) crc);
        return batch;
    }

    /** Sets the header's record count and the matching last offset delta, then fixes the CRC. */
    public static ByteBuffer withRecordCount(ByteBuffer batch, int count) {
        batch.putInt(RECORD_COUNT, count);
        batch.putInt(LAST_OFFSET_DELTA, count - 1);
        return fixCrc(batch);
    }

    /** Sets the compression codec bits of the attributes to {@code codecId}, then fixes the CRC. */
    public static ByteBuffer withCodecBits(ByteBuffer batch, int codecId) {
        batch.putShort(ATTRIBUTES, (short) ((batch.getShort(ATTRIBUTES) & ~0x07) | codecId));
        return fixCrc(batch);
    }

    /**
     * A copy of {@code template}'s header followed by {@code section} as its records: the length field,
     * record count ({@code count}, with a consistent last offset delta) and CRC are made to match.
     */
    public static ByteBuffer withRecordsSection(ByteBuffer template, byte[] section, int count) {
        ByteBuffer batch = ByteBuffer.allocate(HEADER + section.length);
        batch.put(template.duplicate().position(0).limit(HEADER)).put(section).flip();
        batch.putInt(LENGTH, batch.limit() - LOG_OVERHEAD);
        return withRecordCount(batch, count);
    }

    /** The records section (after the header) of a batch starting at position 0. */
    public static byte[] recordsSection(ByteBuffer batch) {
        byte[] section = new byte[batch.limit() - HEADER];
        batch.duplicate().position(HEADER).get(section);
        return section;
    }

    /** Where each record of an uncompressed batch starts (its length varint), relative to the batch start. */
    public static List<Integer> recordPositions(ByteBuffer uncompressedBatch) {
        List<Integer> positions = new ArrayList<>();
        int position = HEADER;
        RecordBatch batch = records(uncompressedBatch).batches().iterator().next();
        for (Record record : batch) {
            positions.add(position);
            position += record.sizeInBytes();
        }
        return positions;
    }

    /** The record count the header declares. */
    public static int recordCount(ByteBuffer batch) {
        return batch.getInt(RECORD_COUNT);
    }

    public static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
