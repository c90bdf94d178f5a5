package io.strata.engine.group;

import io.strata.engine.coordinator.CoordinatorErrors;
import io.strata.engine.coordinator.CoordinatorResult;
import io.strata.engine.coordinator.CoordinatorRuntime;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Where a group lives: its {@code __consumer_offsets} partition ({@code abs(hashCode) % partitions}, as Kafka)
 * and that partition's {@link GroupShard} on the coordinator runtime. Group operations run through
 * {@link #write}: the operation runs on the shard's thread, the records and answers it collected become one
 * runtime write, and the returned future completes once that write is committed (or failed, with the
 * operation's failure follow-ups scheduled as a new operation).
 *
 * <p>Thread-safety: stateless apart from the partition count (volatile); safe on any thread.
 */
final class GroupRegistry {
    private static final Logger log = LoggerFactory.getLogger(GroupRegistry.class);

    private final CoordinatorRuntime<GroupShard, GroupRecords.Entry> runtime;
    private volatile int partitionCount;

    GroupRegistry(CoordinatorRuntime<GroupShard, GroupRecords.Entry> runtime, int partitionCount) {
        this.runtime = runtime;
        this.partitionCount = partitionCount;
    }

    int partitionFor(String groupId) {
        return Utils.abs(groupId.hashCode()) % partitionCount;
    }

    void setPartitionCount(int count) {
        partitionCount = count;
    }

    CoordinatorRuntime<GroupShard, GroupRecords.Entry> runtime() {
        return runtime;
    }

    /** Whether any offsets partition this broker leads is still being loaded. */
    boolean isLoading() {
        return runtime.isLoading();
    }

    /** Runs {@code op} on the shard of the group's partition; see the class comment. */
    <T> CompletableFuture<T> write(String groupId, Function<GroupShard, T> op) {
        return write(partitionFor(groupId), op);
    }

    <T> CompletableFuture<T> write(int partition, Function<GroupShard, T> op) {
        return write(partition, null, op);
    }

    /**
     * As {@link #write(String, Function)}, the records appended as a transactional batch of {@code producerId}
     * (TxnOffsetCommit): the shard keeps them pending until that producer's marker.
     */
    <T> CompletableFuture<T> writeTransactional(String groupId, long producerId, short producerEpoch,
                                                Function<GroupShard, T> op) {
        return write(partitionFor(groupId), new CoordinatorResult.Transactional(producerId, producerEpoch), op);
    }

    private <T> CompletableFuture<T> write(int partition, CoordinatorResult.Transactional txn,
                                           Function<GroupShard, T> op) {
        AtomicReference<GroupShard.Writes> taken = new AtomicReference<>();
        CompletableFuture<T> written = runtime.scheduleWrite(partition, shard -> {
            T response;
            try {
                response = op.apply(shard);
            } finally {
                taken.set(shard.takeWrites());
            }
            return new CoordinatorResult<>(taken.get().records(), response, txn);
        });
        return written.whenComplete((response, failure) -> {
            GroupShard.Writes writes = taken.get();
            if (writes == null) {
                return; // the operation never ran
            }
            if (failure == null) {
                writes.succeed();
                return;
            }
            Errors error = CoordinatorErrors.errorOf(failure);
            writes.fail(error);
            if (!writes.followUps().isEmpty()) {
                log.info("A write to __consumer_offsets-{} failed ({}); undoing what it started", partition, error);
                write(partition, shard -> {
                    writes.followUps().forEach(f -> f.accept(shard));
                    return null;
                });
            }
        });
    }

    /** Runs {@code op} on every shard this broker serves. */
    <T> List<CompletableFuture<T>> writeAll(Function<GroupShard, T> op) {
        List<CompletableFuture<T>> all = new ArrayList<>();
        for (int partition : runtime.servedPartitions()) {
            all.add(write(partition, op));
        }
        return all;
    }

    /** Runs {@code op}, which must write nothing, on the group's shard: it sees committed state. */
    <T> CompletableFuture<T> read(String groupId, Function<GroupShard, T> op) {
        return runtime.scheduleRead(partitionFor(groupId), op);
    }

    <T> List<CompletableFuture<T>> readAll(Function<GroupShard, T> op) {
        List<CompletableFuture<T>> all = new ArrayList<>();
        for (int partition : runtime.servedPartitions()) {
            all.add(runtime.scheduleRead(partition, op));
        }
        return all;
    }
}
