package io.strata.engine.handler.txn;

import io.strata.engine.coordinator.CoordinatorErrors;
import org.apache.kafka.common.protocol.Errors;

/** Error mappings the transaction APIs share. Stateless. */
final class TxnErrors {
    private TxnErrors() {
    }

    /**
     * The error a client of this request version understands: PRODUCER_FENCED arrived with v2 of AddPartitionsToTxn,
     * AddOffsetsToTxn and EndTxn; older clients get INVALID_PRODUCER_EPOCH, as Kafka answers them.
     */
    static Errors forVersion(Errors error, short version, int fencedSince) {
        return error == Errors.PRODUCER_FENCED && version < fencedSince ? Errors.INVALID_PRODUCER_EPOCH : error;
    }

    /** The error of a failed coordinator future (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, ...). */
    static Errors ofFailure(Throwable failure) {
        return CoordinatorErrors.errorOf(failure);
    }
}
