package io.strata.engine.group;

import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.log.validation.AppendOrigin;
import io.strata.engine.log.segment.FileSlice;
import io.strata.engine.log.LogReadResult;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.util.List;
import java.util.function.Consumer;

/**
 * Reads and writes the coordinator's records in the partitions of {@code __consumer_offsets} this broker
 * leads. Appends are synchronous and durable per the topic's flush policy (fsync by default) before they
 * return, so a response that follows an append never reports state a crash could lose.
 */
final class GroupLog {
    private static final int LOAD_READ_BYTES = 1024 * 1024;

    private final ReplicaManager replicaManager;

    GroupLog(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    static TopicPartition topicPartition(int partition) {
        return new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, partition);
    }

    /**
     * Appends the records as one batch (fsynced on this leader) and returns the offset after it, which the
     * high watermark must reach before the write counts as replicated; -1 if there was nothing to append.
     *
     * @throws NotCoordinatorException if this broker no longer leads the partition
     */
    long append(int partition, List<SimpleRecord> records) {
        if (records.isEmpty()) {
            return -1;
        }
        long next;
        try {
            next = partition(partition).appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                    records.toArray(new SimpleRecord[0])), AppendOrigin.COORDINATOR).lastOffset() + 1;
        } catch (NotLeaderOrFollowerException e) {
            throw new NotCoordinatorException("This broker no longer leads " + topicPartition(partition), e);
        }
        replicaManager.onAppended(topicPartition(partition)); // followers fetch it; the fsync above moved the HW
        return next;
    }

    private Partition partition(int partition) {
        TopicPartition tp = topicPartition(partition);
        Partition led = replicaManager.partition(tp).filter(Partition::isLeader).orElse(null);
        if (led == null) {
            throw new NotCoordinatorException("This broker does not lead " + tp);
        }
        return led;
    }

    /** Feeds every record of the partition, oldest first, to {@code sink}. */
    void replay(int partition, Consumer<Record> sink) {
        Partition source = partition(partition);
        long offset = source.log().logStartOffset();
        long end = source.log().logEndOffset();
        while (offset < end) {
            LogReadResult read = source.read(offset, LOAD_READ_BYTES, Partition.FetchBound.LOG_END, true);
            MemoryRecords records;
            if (read.records() instanceof FileSlice slice) {
                try {
                    records = slice.toMemoryRecords();
                } finally {
                    slice.release(); // copied: the segment may go
                }
            } else {
                records = (MemoryRecords) read.records();
            }
            long next = offset;
            for (RecordBatch batch : records.batches()) {
                if (batch.lastOffset() < offset) {
                    continue;
                }
                if (!batch.isControlBatch()) {
                    for (Record record : batch) {
                        if (record.offset() >= offset) {
                            sink.accept(record);
                        }
                    }
                }
                next = batch.nextOffset();
            }
            if (next == offset) {
                break;
            }
            offset = next;
        }
    }
}
