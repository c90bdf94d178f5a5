package io.strata.engine.handler.data;

import io.strata.engine.cluster.DelayedOperation;
import io.strata.engine.cluster.Partition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ProduceResponse;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * An acks=all produce waiting for the ISR: each appended partition is done once its high watermark covers
 * the batch (NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below min.insync.replicas meanwhile),
 * or once this broker no longer leads it under the epoch of the append (NOT_LEADER_OR_FOLLOWER: the batch may
 * be truncated by the new leader, so the producer must retry). At the request's timeout the partitions still
 * waiting get REQUEST_TIMED_OUT. Woken by high-watermark moves and leadership changes of its partitions.
 */
final class DelayedProduce extends DelayedOperation {
    private final List<ProduceHandler.Appended> appended;
    private final Runnable respond;
    private final Executor checkExecutor;

    /**
     * @param checkExecutor where its checks and completion run when woken: the producer's connection event loop,
     *                      which writes the response anyway (the checks only compare offsets)
     */
    DelayedProduce(List<ProduceHandler.Appended> appended, Runnable respond, Executor checkExecutor) {
        this.appended = appended;
        this.respond = respond;
        this.checkExecutor = checkExecutor;
    }

    @Override
    public Executor checkExecutor() {
        return checkExecutor;
    }

    @Override
    protected boolean isSatisfied() {
        for (ProduceHandler.Appended a : appended) {
            if (outcome(a) == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void onComplete() {
        for (ProduceHandler.Appended a : appended) {
            Errors error = outcome(a);
            if (error == null) {
                error = Errors.REQUEST_TIMED_OUT;
            }
            if (error != Errors.NONE) {
                a.response().setErrorCode(error.code()).setErrorMessage(message(error, a))
                        .setBaseOffset(ProduceResponse.INVALID_OFFSET);
            }
        }
        respond.run();
    }

    /** The partition's final error, or null while it still waits. */
    private static Errors outcome(ProduceHandler.Appended a) {
        Partition partition = a.partition();
        if (!partition.isLeader() || partition.leaderEpoch() != a.leaderEpoch()) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (!partition.isCommitted(a.result().lastOffset() + 1)) {
            return null;
        }
        return partition.isUnderMinIsr() ? Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND : Errors.NONE;
    }

    private static String message(Errors error, ProduceHandler.Appended a) {
        return switch (error) {
            case NOT_LEADER_OR_FOLLOWER -> "Leadership of " + a.tp() + " moved before the ISR had the batch";
            case NOT_ENOUGH_REPLICAS_AFTER_APPEND -> "The ISR of " + a.tp() + " shrank below min.insync.replicas "
                    + "while the batch was replicated; it is written but may not be on enough replicas";
            case REQUEST_TIMED_OUT -> "The ISR of " + a.tp() + " did not have the batch within the request timeout";
            default -> error.message();
        };
    }
}
