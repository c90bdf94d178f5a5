package io.strata.engine.txn;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What an EndTxn of transaction version 2 (EndTxn v5+, KIP-890 part 2) does with an id's metadata, with Kafka's
 * answers (TransactionCoordinator.endTransaction for TV2). Every commit and abort bumps the producer epoch, so the
 * same epoch no longer tells a retry from the next transaction's end; instead:
 * <ul>
 *   <li>a retry presents the epoch before the bump: the metadata's epoch is the request's + 1 (or, after an epoch
 *       overflow moved the id on, the request has the previous id at {@code Short.MAX_VALUE - 1} and the metadata
 *       epoch 0);</li>
 *   <li>a retry of a completed end answers NONE with the current id and epoch (what the first answer gave), a retry
 *       while the end is still being written CONCURRENT_TRANSACTIONS, a retry with the other result
 *       INVALID_TXN_STATE;</li>
 *   <li>an abort with the current epoch when no transaction is ongoing (EMPTY, COMPLETE_*) is a new, empty
 *       transaction's abort (the client could not know whether its first produce added a partition): it is
 *       prepared and bumps the epoch like any other;</li>
 *   <li>anything else with a wrong epoch is PRODUCER_FENCED.</li>
 * </ul>
 * A pure function of its arguments; the caller runs it on the id's shard thread.
 */
public final class EndTxnV2Decision {

    /** The outcome: either an answer without a write, or the state to prepare. */
    public sealed interface Decision permits Answer, Prepare {
    }

    /** Answer at once, writing nothing. */
    public record Answer(Errors error, long producerId, short producerEpoch) implements Decision {
        static Answer error(Errors error) {
            return new Answer(error, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
        }
    }

    /** Prepare {@code target} (PREPARE_COMMIT or PREPARE_ABORT) with an epoch bump. */
    public record Prepare(TransactionState target) implements Decision {
    }

    private EndTxnV2Decision() {
    }

    public static Decision decide(TransactionMetadata metadata, long producerId, short producerEpoch, boolean commit) {
        if (metadata == null || metadata.producerEpoch() == RecordBatch.NO_PRODUCER_EPOCH) {
            return Answer.error(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        TransactionState state = metadata.state();
        boolean retryOnOverflow = metadata.prevProducerId() == producerId
                && producerEpoch == Short.MAX_VALUE - 1 && metadata.producerEpoch() == 0;
        boolean retryOnEpochBump = metadata.producerEpoch() == producerEpoch + 1;
        boolean validEpoch = switch (state) {
            case PREPARE_COMMIT, PREPARE_ABORT -> retryOnEpochBump;
            case COMPLETE_COMMIT, COMPLETE_ABORT ->
                    retryOnEpochBump || retryOnOverflow || producerEpoch == metadata.producerEpoch();
            default -> producerEpoch == metadata.producerEpoch();
        };
        if (metadata.producerId() != producerId && !retryOnOverflow) {
            return Answer.error(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        if (!validEpoch) {
            return Answer.error(Errors.PRODUCER_FENCED);
        }
        if (metadata.pendingTransitionInProgress()) {
            return Answer.error(Errors.CONCURRENT_TRANSACTIONS);
        }
        boolean retry = retryOnEpochBump || retryOnOverflow;
        Decision prepareAbort = new Prepare(TransactionState.PREPARE_ABORT);
        Answer completed = new Answer(Errors.NONE, metadata.producerId(), metadata.producerEpoch());
        Answer invalid = Answer.error(Errors.INVALID_TXN_STATE);
        return switch (state) {
            case ONGOING -> commit ? new Prepare(TransactionState.PREPARE_COMMIT) : prepareAbort;
            case COMPLETE_COMMIT -> commit ? (retry ? completed : invalid) : (retry ? invalid : prepareAbort);
            case COMPLETE_ABORT -> commit ? invalid : (retry ? completed : prepareAbort);
            case PREPARE_COMMIT -> commit ? Answer.error(Errors.CONCURRENT_TRANSACTIONS) : invalid;
            case PREPARE_ABORT -> commit ? invalid : Answer.error(Errors.CONCURRENT_TRANSACTIONS);
            case EMPTY -> commit ? invalid : prepareAbort;
            // Never a committed state of a live id (Kafka treats it as fatal); refuse rather than guess.
            case DEAD, PREPARE_EPOCH_FENCE -> invalid;
        };
    }
}
