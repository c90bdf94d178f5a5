package io.strata.engine.handler.data;

import org.apache.kafka.common.protocol.Errors;

/**
 * What a producer gets when its transactional batch failed verification with the transaction coordinator, as
 * Kafka 4.x's ReplicaManager answers: a partition missing from the transaction is INVALID_TXN_STATE for produce
 * below v11 and TRANSACTION_ABORTABLE from v11 (clients that abort on it); errors a client may not retry correctly
 * (the coordinator loading, moving, unreachable, or ending the transaction) become NOT_ENOUGH_REPLICAS, which every
 * producer retries without a metadata refresh; a fenced producer gets INVALID_PRODUCER_EPOCH. Stateless.
 */
final class VerificationErrors {
    /** The first produce version whose clients understand TRANSACTION_ABORTABLE. */
    static final short FIRST_ABORTABLE_PRODUCE_VERSION = 11;

    private VerificationErrors() {
    }

    static Errors forProduce(Errors verification, short produceVersion) {
        return switch (verification) {
            case TRANSACTION_ABORTABLE -> produceVersion >= FIRST_ABORTABLE_PRODUCE_VERSION
                    ? Errors.TRANSACTION_ABORTABLE : Errors.INVALID_TXN_STATE;
            case CONCURRENT_TRANSACTIONS, NETWORK_EXCEPTION, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE,
                 NOT_COORDINATOR -> Errors.NOT_ENOUGH_REPLICAS;
            case PRODUCER_FENCED -> Errors.INVALID_PRODUCER_EPOCH;
            case CLUSTER_AUTHORIZATION_FAILED -> Errors.INVALID_TXN_STATE;
            default -> verification;
        };
    }

    static String message(Errors verification) {
        return switch (verification) {
            case TRANSACTION_ABORTABLE, INVALID_TXN_STATE -> "Partition was not added to the transaction";
            case CONCURRENT_TRANSACTIONS, NETWORK_EXCEPTION, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE,
                 NOT_COORDINATOR -> "Unable to verify the partition has been added to the transaction. Underlying error: "
                    + verification;
            default -> verification.message();
        };
    }
}
