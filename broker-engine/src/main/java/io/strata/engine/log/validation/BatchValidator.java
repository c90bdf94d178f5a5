package io.strata.engine.log.validation;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.segment.BatchHeader;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.util.Iterator;

/**
 * Checks a produce request's records before they are appended: first the batch header and CRC, then every
 * record ({@link RecordsValidator}: structure, offset deltas, timestamps, keys on compacted topics, with
 * compressed batches decoded as a stream), so the log only ever holds batches a consumer can read. Under
 * CreateTime the batch's max timestamp is set from its records, and its timestamp type to CreateTime. When
 * the topic's {@code compression.type} names another codec than the batch's, the batch is rewritten in it
 * ({@link BatchRecompressor}).
 *
 * <p>A produce request carries exactly one v2 batch per partition (as Kafka requires). Lengths are checked
 * against the buffer before anything is parsed, so garbled input cannot cause large allocations.
 * Stateless; safe from any thread.
 */
public final class BatchValidator {
    private static final int MAX_COMPRESSION_ID = CompressionType.ZSTD.id;

    /** A batch that passed validation, backed by a writable buffer the offset assigner may modify in place. */
    public record ValidatedBatch(ByteBuffer buffer, DefaultRecordBatch batch, BatchHeader header) {
    }

    private BatchValidator() {
    }

    public static ValidatedBatch validate(MemoryRecords records, LogConfig config, long nowMs, AppendOrigin origin) {
        ByteBuffer buffer = records.buffer();
        int size = buffer.remaining();
        if (size == 0) {
            throw new CorruptRecordException("Produce request has no record batch");
        }
        if (size <= BatchHeader.MAGIC_OFFSET) {
            throw new CorruptRecordException("Record batch of " + size + " bytes is too short for a header");
        }
        byte magic = buffer.get(buffer.position() + BatchHeader.MAGIC_OFFSET);
        if (magic < RecordBatch.MAGIC_VALUE_V2) {
            throw new UnsupportedForMessageFormatException("Record batches with magic " + magic
                    + " are not supported; producers must use message format v2");
        }
        if (magic > RecordBatch.MAGIC_VALUE_V2) {
            throw new CorruptRecordException("Unknown record batch magic " + magic);
        }
        if (size < BatchHeader.SIZE) {
            throw new CorruptRecordException("Record batch of " + size + " bytes is shorter than the v2 header");
        }
        BatchHeader header = BatchHeader.parse(buffer, buffer.position(), -1);
        if (header.length() < BatchHeader.SIZE - BatchHeader.LOG_OVERHEAD) {
            throw new CorruptRecordException("Record batch length " + header.length() + " is below the v2 minimum");
        }
        long batchSize = header.sizeInBytes();
        if (batchSize > size) {
            throw new CorruptRecordException("Record batch claims " + batchSize + " bytes but the request holds " + size);
        }
        if (batchSize < size) {
            throw trailingBytes(buffer, (int) batchSize, size);
        }
        if (batchSize > config.maxMessageBytes()) {
            throw new RecordTooLargeException("Record batch of " + batchSize
                    + " bytes is larger than max.message.bytes " + config.maxMessageBytes());
        }
        if (!buffer.isReadOnly()) {
            buffer = buffer.slice();
        } else {
            // Offsets, epoch and LogAppendTime are written into the batch in place.
            ByteBuffer copy = ByteBuffer.allocate(size);
            copy.put(buffer.duplicate());
            buffer = copy.flip();
        }
        DefaultRecordBatch batch = onlyBatch(buffer);
        batch.ensureValid(); // CRC32C over attributes..end: CorruptRecordException on mismatch
        checkHeader(header, origin);
        Compression target = header.isControl() ? null : config.storedCompression();
        if (target != null && target.type().id != header.compressionId()) {
            BatchRecompressor rewrite = new BatchRecompressor(header, target, config.maxMessageBytes());
            RecordsValidator.validate(buffer, header, config, nowMs, rewrite);
            ByteBuffer rewritten = rewrite.build();
            return new ValidatedBatch(rewritten, onlyBatch(rewritten),
                    BatchHeader.parse(rewritten, rewritten.position(), -1));
        }
        RecordsValidator.Summary summary = RecordsValidator.validate(buffer, header, config, nowMs, null);
        // Also when a client flagged the batch LogAppendTime: the topic's timestamp type decides, as in Kafka.
        if (config.timestampType() == TimestampType.CREATE_TIME && (summary.maxTimestamp() != header.maxTimestamp()
                || header.timestampType() != TimestampType.CREATE_TIME)) {
            batch.setMaxTimestamp(TimestampType.CREATE_TIME, summary.maxTimestamp()); // recomputes the CRC
            header = BatchHeader.parse(buffer, buffer.position(), -1);
        }
        return new ValidatedBatch(buffer, batch, header);
    }

    private static RuntimeException trailingBytes(ByteBuffer buffer, int batchSize, int size) {
        int rest = size - batchSize;
        if (rest >= BatchHeader.SIZE && buffer.get(buffer.position() + batchSize + BatchHeader.MAGIC_OFFSET) == 2) {
            return new InvalidRecordException("Produce requests must carry exactly one record batch per partition");
        }
        return new CorruptRecordException("Record batch of " + batchSize + " bytes is followed by " + rest
                + " stray bytes");
    }

    private static DefaultRecordBatch onlyBatch(ByteBuffer buffer) {
        Iterator<MutableRecordBatch> batches = MemoryRecords.readableRecords(buffer.duplicate()).batches().iterator();
        if (!batches.hasNext() || !(batches.next() instanceof DefaultRecordBatch batch)) {
            throw new CorruptRecordException("Record batch could not be read");
        }
        return batch;
    }

    private static void checkHeader(BatchHeader header, AppendOrigin origin) {
        if (header.compressionId() > MAX_COMPRESSION_ID) {
            throw new InvalidRecordException("Unknown compression type id " + header.compressionId());
        }
        if (header.recordCount() <= 0) {
            throw new InvalidRecordException("Invalid record count " + header.recordCount());
        }
        if (header.lastOffsetDelta() != header.recordCount() - 1) {
            throw new InvalidRecordException("Inconsistent batch: lastOffsetDelta " + header.lastOffsetDelta()
                    + " but " + header.recordCount() + " records");
        }
        if (header.isControl() && origin == AppendOrigin.CLIENT) {
            throw new InvalidRecordException("Clients are not allowed to write control records");
        }
        if (header.hasDeleteHorizon() && origin == AppendOrigin.CLIENT) {
            throw new InvalidRecordException("Clients may not set a batch's delete horizon; only the log cleaner does");
        }
        // No writer sends these, and a batch rewritten in the topic's codec could not be built with them.
        if (header.producerId() < RecordBatch.NO_PRODUCER_ID) {
            throw new InvalidRecordException("Invalid producer id " + header.producerId());
        }
        if (header.hasProducerId() && header.producerEpoch() < 0) {
            throw new InvalidRecordException("Invalid producer epoch " + header.producerEpoch()
                    + " for producer " + header.producerId());
        }
        if (header.isTransactional() && !header.hasProducerId()) {
            throw new InvalidRecordException("Transactional batch without a producer id");
        }
        if (header.hasProducerId() && !header.isControl() && header.baseSequence() < 0) {
            throw new InvalidRecordException("Invalid sequence number " + header.baseSequence()
                    + " for producer " + header.producerId());
        }
    }
}
