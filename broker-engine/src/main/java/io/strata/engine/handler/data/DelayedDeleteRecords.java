package io.strata.engine.handler.data;

import io.strata.engine.cluster.DelayedOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

import java.util.List;

/**
 * A DeleteRecords waiting for each partition's low watermark to reach its target: the followers adopt the
 * leader's new log start from their next fetch responses and report theirs in the fetch after that. A
 * partition is done when its low watermark reaches the target (NONE, with that low watermark), or when this
 * broker no longer leads it (NOT_LEADER_OR_FOLLOWER); at the request's timeout the others get REQUEST_TIMED_OUT.
 * Woken by followers' log start moves and leadership changes (through the produce purgatory).
 */
final class DelayedDeleteRecords extends DelayedOperation {
    private final List<DeleteRecordsHandler.Target> targets;
    private final Runnable respond;

    DelayedDeleteRecords(List<DeleteRecordsHandler.Target> targets, Runnable respond) {
        this.targets = targets;
        this.respond = respond;
    }

    @Override
    protected boolean isSatisfied() {
        for (DeleteRecordsHandler.Target t : targets) {
            if (t.partition().isLeader() && t.partition().lowWatermark() < t.requiredOffset()) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void onComplete() {
        for (DeleteRecordsHandler.Target t : targets) {
            if (!t.partition().isLeader()) {
                t.result().setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
                        .setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
                continue;
            }
            long low = t.partition().lowWatermark();
            if (low >= t.requiredOffset()) {
                t.result().setErrorCode(Errors.NONE.code()).setLowWatermark(low);
            } else {
                t.result().setErrorCode(Errors.REQUEST_TIMED_OUT.code())
                        .setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
            }
        }
        respond.run();
    }
}
