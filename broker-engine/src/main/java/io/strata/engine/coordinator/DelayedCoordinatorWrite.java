package io.strata.engine.coordinator;

import io.strata.engine.cluster.DelayedOperation;
import io.strata.engine.cluster.Partition;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * A coordinator write waiting until its internal-topic partition's high watermark covers it, so an
 * acknowledged write is on every ISR member and survives the loss of this broker. Completes with NONE,
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND when it is covered but the ISR is below min.insync.replicas, NOT_COORDINATOR
 * once this broker no longer leads the partition, or COORDINATOR_NOT_AVAILABLE at the timeout (Kafka's mapping for a commit that did not replicate in time; both make clients retry).
 */
final class DelayedCoordinatorWrite extends DelayedOperation {
    private final Partition partition;
    private final int leaderEpoch;
    private final long requiredOffset;
    private final CompletableFuture<Errors> result;

    DelayedCoordinatorWrite(Partition partition, int leaderEpoch, long requiredOffset, CompletableFuture<Errors> result) {
        this.partition = partition;
        this.leaderEpoch = leaderEpoch;
        this.requiredOffset = requiredOffset;
        this.result = result;
    }

    @Override
    protected boolean isSatisfied() {
        return outcome() != null;
    }

    @Override
    protected void onComplete() {
        Errors error = outcome();
        result.complete(error == null ? Errors.COORDINATOR_NOT_AVAILABLE : error);
    }

    private Errors outcome() {
        if (!partition.isLeader() || partition.leaderEpoch() != leaderEpoch) {
            return Errors.NOT_COORDINATOR;
        }
        if (!partition.isCommitted(requiredOffset)) {
            return null;
        }
        // Committed, but on fewer replicas than min.insync.replicas demands (the ISR shrank after the append):
        // as Kafka's acks=all writes, the writer is told NOT_ENOUGH_REPLICAS_AFTER_APPEND.
        return partition.isUnderMinIsr() ? Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND : Errors.NONE;
    }
}
