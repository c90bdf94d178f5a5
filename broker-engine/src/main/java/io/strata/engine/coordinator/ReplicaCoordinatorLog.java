package io.strata.engine.coordinator;

import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.log.LogReadResult;
import io.strata.engine.log.segment.FileSlice;
import io.strata.engine.log.validation.AppendOrigin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@link CoordinatorLog} over the partitions of one internal topic hosted by this broker. Appends skip the
 * fsync (the runtime calls {@link #makeDurable} off the shard thread) but, like Kafka's coordinators' acks=all
 * writes, need the ISR to meet the topic's effective min.insync.replicas ({@code transaction.state.log.min.isr}
 * for {@code __transaction_state}): below it they fail with NOT_ENOUGH_REPLICAS, which clients are told as
 * COORDINATOR_NOT_AVAILABLE. Commit waits park in the produce purgatory as {@link DelayedCoordinatorWrite}s.
 * Transactional batches are appended with origin COORDINATOR (the partition checks the producer epoch, not the
 * sequence, and never treats them as client retries); markers go through {@link Partition#appendTxnMarker}, the
 * WriteTxnMarkers path, with its epoch checks. Stateless apart from its collaborators: safe on any thread.
 */
public final class ReplicaCoordinatorLog implements CoordinatorLog {
    private static final int READ_BYTES = 1024 * 1024;
    private static final short ALL_ACKS = -1;

    private final String topic;
    private final ReplicaManager replicaManager;

    public ReplicaCoordinatorLog(String topic, ReplicaManager replicaManager) {
        this.topic = topic;
        this.replicaManager = replicaManager;
    }

    private TopicPartition tp(int partition) {
        return new TopicPartition(topic, partition);
    }

    private Partition led(int partition) {
        return replicaManager.partition(tp(partition)).filter(Partition::isLeader).orElseThrow(
                () -> new NotCoordinatorException("This broker does not lead " + tp(partition)));
    }

    @Override
    public Appended append(int partition, List<SimpleRecord> records) {
        return append(partition, MemoryRecords.withRecords(Compression.NONE, records.toArray(new SimpleRecord[0])));
    }

    private Appended append(int partition, MemoryRecords batch) {
        Partition.LeaderAppend append;
        try {
            append = led(partition).appendAsLeaderDeferred(batch, ALL_ACKS, AppendOrigin.COORDINATOR);
        } catch (NotLeaderOrFollowerException e) {
            throw new NotCoordinatorException("This broker no longer leads " + tp(partition), e);
        }
        replicaManager.onAppended(tp(partition)); // followers fetch it while this leader fsyncs
        return new Appended(append.result().lastOffset() + 1, append.leaderEpoch());
    }

    @Override
    public Appended appendTransactional(int partition, long producerId, short producerEpoch,
                                        List<SimpleRecord> records) {
        return append(partition, MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, producerEpoch,
                0, records.toArray(new SimpleRecord[0])));
    }

    @Override
    public Appended appendEndTransactionMarker(int partition, long producerId, short producerEpoch,
                                               int coordinatorEpoch, boolean commit, long nowMs) {
        Partition.LeaderAppend append;
        try {
            append = led(partition).appendTxnMarker(producerId, producerEpoch, commit, coordinatorEpoch, nowMs);
        } catch (NotLeaderOrFollowerException e) {
            throw new NotCoordinatorException("This broker no longer leads " + tp(partition), e);
        }
        replicaManager.onAppended(tp(partition));
        return new Appended(append.result().lastOffset() + 1, append.leaderEpoch());
    }

    @Override
    public void makeDurable(int partition, long endOffset) {
        replicaManager.partition(tp(partition)).ifPresent(p -> p.makeDurable(endOffset));
    }

    @Override
    public CompletableFuture<Errors> awaitCommitted(int partition, int leaderEpoch, long endOffset, long timeoutMs) {
        Partition hosted = replicaManager.partition(tp(partition)).orElse(null);
        if (hosted == null) {
            return CompletableFuture.completedFuture(Errors.NOT_COORDINATOR);
        }
        CompletableFuture<Errors> result = new CompletableFuture<>();
        replicaManager.producePurgatory().tryCompleteElseWatch(
                new DelayedCoordinatorWrite(hosted, leaderEpoch, endOffset, result), List.of(tp(partition)), timeoutMs);
        return result;
    }

    @Override
    public long highWatermark(int partition) {
        return replicaManager.partition(tp(partition)).map(p -> p.log().highWatermark()).orElse(-1L);
    }

    @Override
    public void read(int partition, Consumer<Record> sink) {
        readEntries(partition, new EntryVisitor() {
            @Override
            public void record(long producerId, short producerEpoch, Record record) {
                sink.accept(record);
            }

            @Override
            public void endTransaction(long producerId, short producerEpoch, boolean commit, long offset) {
            }
        });
    }

    @Override
    public void readEntries(int partition, EntryVisitor visitor) {
        Partition source = led(partition);
        long offset = source.log().logStartOffset();
        long end = source.log().logEndOffset();
        while (offset < end) {
            LogReadResult read = source.read(offset, READ_BYTES, Partition.FetchBound.LOG_END, true);
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
                for (Record record : batch) {
                    if (record.offset() < offset) {
                        continue;
                    }
                    if (!batch.isControlBatch()) {
                        long producerId = batch.isTransactional() ? batch.producerId() : RecordBatch.NO_PRODUCER_ID;
                        visitor.record(producerId, batch.producerEpoch(), record);
                    } else if (record.hasKey()) {
                        ControlRecordType type = ControlRecordType.parse(record.key());
                        if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                            visitor.endTransaction(batch.producerId(), batch.producerEpoch(),
                                    type == ControlRecordType.COMMIT, record.offset());
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
