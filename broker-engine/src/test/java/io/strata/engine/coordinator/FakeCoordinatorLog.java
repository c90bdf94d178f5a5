package io.strata.engine.coordinator;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An in-memory {@link CoordinatorLog} whose high watermark and leadership the test moves by hand. Appends go to
 * a list per partition; commit waits complete when the test advances the high watermark, drops leadership or
 * expires them. Synchronized: the serial-execution test appends from pool threads.
 */
public final class FakeCoordinatorLog implements CoordinatorLog {
    private record Waiter(int partition, int leaderEpoch, long endOffset, CompletableFuture<Errors> result) {
    }

    private final Map<Integer, List<MemoryRecords>> batches = new HashMap<>();
    private final Map<Integer, Long> logEnd = new HashMap<>();
    private final Map<Integer, Long> highWatermark = new HashMap<>();
    private final Map<Integer, Integer> leaderEpoch = new HashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private RuntimeException nextAppendFailure;
    /** When set, appends advance the high watermark at once (a one-replica partition). */
    private boolean autoCommit;

    public synchronized void lead(int partition, int epoch) {
        leaderEpoch.put(partition, epoch);
    }

    public synchronized void autoCommit() {
        autoCommit = true;
    }

    /** This broker stops leading: waits of every epoch end with NOT_COORDINATOR. */
    public void resign(int partition) {
        List<Waiter> ended;
        synchronized (this) {
            leaderEpoch.remove(partition);
            ended = waiters.stream().filter(w -> w.partition() == partition).toList();
            waiters.removeAll(ended);
        }
        ended.forEach(w -> w.result().complete(Errors.NOT_COORDINATOR));
    }

    public synchronized void failNextAppend(RuntimeException failure) {
        nextAppendFailure = failure;
    }

    public void advanceHighWatermark(int partition, long offset) {
        List<Waiter> done;
        synchronized (this) {
            highWatermark.put(partition, offset);
            done = waiters.stream().filter(w -> w.partition() == partition && w.endOffset() <= offset).toList();
            waiters.removeAll(done);
        }
        done.forEach(w -> w.result().complete(Errors.NONE));
    }

    /** The commit wait of every pending write times out. */
    public void expireWaits() {
        List<Waiter> expired;
        synchronized (this) {
            expired = new ArrayList<>(waiters);
            waiters.clear();
        }
        expired.forEach(w -> w.result().complete(Errors.COORDINATOR_NOT_AVAILABLE));
    }

    public synchronized long logEndOffset(int partition) {
        return logEnd.getOrDefault(partition, 0L);
    }

    @Override
    public Appended append(int partition, List<SimpleRecord> records) {
        return appendBatch(partition, records.size(), base -> MemoryRecords.withRecords(base, Compression.NONE,
                records.toArray(new SimpleRecord[0])));
    }

    @Override
    public Appended appendTransactional(int partition, long producerId, short producerEpoch,
                                        List<SimpleRecord> records) {
        return appendBatch(partition, records.size(), base -> MemoryRecords.withTransactionalRecords(base,
                Compression.NONE, producerId, producerEpoch, 0, 0, records.toArray(new SimpleRecord[0])));
    }

    @Override
    public Appended appendEndTransactionMarker(int partition, long producerId, short producerEpoch,
                                               int coordinatorEpoch, boolean commit, long nowMs) {
        return appendBatch(partition, 1, base -> MemoryRecords.withEndTransactionMarker(base, nowMs, 0, producerId,
                producerEpoch, new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
                        coordinatorEpoch)));
    }

    private Appended appendBatch(int partition, int count, java.util.function.LongFunction<MemoryRecords> batch) {
        long end;
        synchronized (this) {
            if (nextAppendFailure != null) {
                RuntimeException failure = nextAppendFailure;
                nextAppendFailure = null;
                throw failure;
            }
            Integer epoch = leaderEpoch.get(partition);
            if (epoch == null) {
                throw new NotCoordinatorException("not the leader of " + partition);
            }
            long base = logEndOffset(partition);
            batches.computeIfAbsent(partition, p -> new ArrayList<>()).add(batch.apply(base));
            end = base + count;
            logEnd.put(partition, end);
            if (!autoCommit) {
                return new Appended(end, epoch);
            }
        }
        advanceHighWatermark(partition, end);
        return new Appended(end, leaderEpoch.get(partition));
    }

    @Override
    public void makeDurable(int partition, long endOffset) {
    }

    @Override
    public CompletableFuture<Errors> awaitCommitted(int partition, int epoch, long endOffset, long timeoutMs) {
        synchronized (this) {
            if (!Integer.valueOf(epoch).equals(leaderEpoch.get(partition))) {
                return CompletableFuture.completedFuture(Errors.NOT_COORDINATOR);
            }
            if (highWatermark.getOrDefault(partition, 0L) < endOffset) {
                CompletableFuture<Errors> result = new CompletableFuture<>();
                waiters.add(new Waiter(partition, epoch, endOffset, result));
                return result;
            }
        }
        return CompletableFuture.completedFuture(Errors.NONE);
    }

    @Override
    public synchronized long highWatermark(int partition) {
        return highWatermark.getOrDefault(partition, 0L);
    }

    @Override
    public void readEntries(int partition, EntryVisitor visitor) {
        List<MemoryRecords> copy;
        synchronized (this) {
            copy = new ArrayList<>(batches.getOrDefault(partition, List.of()));
        }
        for (MemoryRecords records : copy) {
            for (RecordBatch batch : records.batches()) {
                for (Record record : batch) {
                    if (batch.isControlBatch()) {
                        visitor.endTransaction(batch.producerId(), batch.producerEpoch(),
                                ControlRecordType.parse(record.key()) == ControlRecordType.COMMIT, record.offset());
                    } else {
                        visitor.record(batch.isTransactional() ? batch.producerId() : RecordBatch.NO_PRODUCER_ID,
                                batch.producerEpoch(), record);
                    }
                }
            }
        }
    }

    @Override
    public void read(int partition, Consumer<Record> sink) {
        List<MemoryRecords> copy;
        synchronized (this) {
            copy = new ArrayList<>(batches.getOrDefault(partition, List.of()));
        }
        for (MemoryRecords records : copy) {
            for (RecordBatch batch : records.batches()) {
                batch.forEach(sink);
            }
        }
    }
}
