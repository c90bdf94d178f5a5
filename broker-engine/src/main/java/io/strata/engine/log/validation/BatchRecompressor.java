package io.strata.engine.log.validation;

import io.strata.engine.log.segment.BatchHeader;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;

import java.nio.ByteBuffer;

/**
 * Rewrites one batch in the topic's codec ({@code compression.type}), fed record by record by
 * {@link RecordsValidator}: offset deltas, timestamps, keys, values and headers are kept, and so are the
 * producer id, epoch, base sequence and transactional flag, so idempotent deduplication sees the same batch.
 * The leader assigns offsets and its epoch afterwards, as for any batch. The rewritten batch may not grow
 * past {@code max.message.bytes}: a batch that only fits compressed cannot be stored uncompressed.
 * One instance per batch, used by one thread.
 */
final class BatchRecompressor implements RecordsValidator.RecordSink {
    private final MemoryRecordsBuilder builder;
    private final int maxBatchBytes;

    BatchRecompressor(BatchHeader header, Compression target, int maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
        int initial = (int) Math.min(maxBatchBytes, Math.max(1024, 2 * header.sizeInBytes()));
        this.builder = new MemoryRecordsBuilder(new ByteBufferOutputStream(initial), RecordBatch.MAGIC_VALUE_V2, target,
                TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, header.producerId(), header.producerEpoch(),
                header.baseSequence(), header.isTransactional(), false, header.partitionLeaderEpoch(),
                Integer.MAX_VALUE);
    }

    @Override
    public void accept(int offsetDelta, long timestamp, byte[] key, byte[] value, Header[] headers) {
        builder.appendWithOffset(offsetDelta, timestamp, key, value, headers);
        if (builder.estimatedSizeInBytes() > maxBatchBytes) {
            throw tooLarge(builder.estimatedSizeInBytes());
        }
    }

    /** The rewritten batch, in a writable buffer of its own. */
    ByteBuffer build() {
        ByteBuffer batch = builder.build().buffer();
        if (batch.remaining() > maxBatchBytes) {
            throw tooLarge(batch.remaining());
        }
        return batch;
    }

    private RecordTooLargeException tooLarge(int size) {
        return new RecordTooLargeException("Record batch is " + size + " bytes in the topic's compression.type "
                + builder.compression().type().name + ", larger than max.message.bytes " + maxBatchBytes);
    }
}
