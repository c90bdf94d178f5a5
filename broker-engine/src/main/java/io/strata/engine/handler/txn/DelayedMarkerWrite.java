package io.strata.engine.handler.txn;

import io.strata.engine.cluster.DelayedOperation;
import io.strata.engine.cluster.Partition;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;

/**
 * WriteTxnMarkers waiting for the ISR (acks=all): each marker is done once the high watermark covers it (NONE), or
 * once this broker no longer leads its partition under the epoch of the append (NOT_LEADER_OR_FOLLOWER: the new
 * leader may truncate it, so the coordinator must retry). Markers still waiting at the timeout get
 * REQUEST_TIMED_OUT. Woken, in the produce purgatory, by high-watermark moves and leadership changes.
 */
final class DelayedMarkerWrite extends DelayedOperation {
    private final List<MarkerWrite> writes;
    private final Runnable respond;

    DelayedMarkerWrite(List<MarkerWrite> writes, Runnable respond) {
        this.writes = writes;
        this.respond = respond;
    }

    @Override
    protected boolean isSatisfied() {
        return writes.stream().allMatch(w -> outcome(w) != null);
    }

    @Override
    protected void onComplete() {
        for (MarkerWrite w : writes) {
            Errors error = outcome(w);
            w.result().setErrorCode((error == null ? Errors.REQUEST_TIMED_OUT : error).code());
        }
        respond.run();
    }

    /** The marker's final error, or null while it still waits. */
    private static Errors outcome(MarkerWrite w) {
        Partition partition = w.partition();
        if (!partition.isLeader() || partition.leaderEpoch() != w.leaderEpoch()) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        return partition.isCommitted(w.nextOffset()) ? Errors.NONE : null;
    }
}
