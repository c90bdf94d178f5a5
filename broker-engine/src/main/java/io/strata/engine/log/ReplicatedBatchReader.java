package io.strata.engine.log;

import io.strata.engine.log.segment.BatchHeader;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;

/**
 * Cuts the records a follower fetched from its leader into whole batches, checking each one (v2 length, magic,
 * CRC) as it is reached; records are not re-validated one by one (the leader did that). A partial batch at the
 * end of a fetch response ends the batches: it is fetched again next time.
 *
 * <p>Concurrency: single use, confined to one thread. {@link PartitionLog#appendAsFollower} reads it batch by
 * batch under its append lock, so the batches before a malformed one are appended before the error is thrown.
 */
final class ReplicatedBatchReader {
    /** One whole, checked batch: its bytes (a slice of the fetched records), header and size in bytes. */
    record Batch(ByteBuffer buffer, BatchHeader header, long size) {
    }

    private final TopicPartition topicPartition;
    private final ByteBuffer buffer;
    private final int limit;
    private int position;

    ReplicatedBatchReader(TopicPartition topicPartition, MemoryRecords records) {
        this.topicPartition = topicPartition;
        this.buffer = records.buffer().duplicate();
        this.position = buffer.position();
        this.limit = buffer.limit();
    }

    /**
     * @return the next whole batch, or null if no whole batch is left
     * @throws CorruptRecordException if the next batch is malformed
     */
    Batch next() {
        if (limit - position < BatchHeader.LOG_OVERHEAD) {
            return null;
        }
        int length = buffer.getInt(position + 8);
        if (length < BatchHeader.SIZE - BatchHeader.LOG_OVERHEAD) {
            throw new CorruptRecordException(topicPartition + ": replicated batch length " + length
                    + " is below the v2 minimum");
        }
        long size = BatchHeader.LOG_OVERHEAD + (long) length;
        if (size > limit - position) {
            return null; // a partial batch at the end of a fetch response: fetched again next time
        }
        ByteBuffer slice = buffer.duplicate().position(position).limit(position + (int) size).slice();
        BatchHeader header = BatchHeader.parse(slice, 0, -1);
        if (header.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new CorruptRecordException(topicPartition + ": replicated batch has magic " + header.magic());
        }
        MemoryRecords.readableRecords(slice.duplicate()).batches().iterator().next().ensureValid();
        position += (int) size;
        return new Batch(slice, header, size);
    }
}
