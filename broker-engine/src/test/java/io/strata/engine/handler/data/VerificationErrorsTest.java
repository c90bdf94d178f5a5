package io.strata.engine.handler.data;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Verification failures as the producer of each produce version is told (Kafka 4.x's ReplicaManager). */
class VerificationErrorsTest {
    @Test
    void aPartitionMissingFromTheTransactionIsAbortableFromProduceV11AndAnInvalidStateBefore() {
        assertThat(VerificationErrors.forProduce(Errors.TRANSACTION_ABORTABLE, (short) 10))
                .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(VerificationErrors.forProduce(Errors.TRANSACTION_ABORTABLE, (short) 11))
                .isEqualTo(Errors.TRANSACTION_ABORTABLE);
        assertThat(VerificationErrors.forProduce(Errors.TRANSACTION_ABORTABLE, (short) 12))
                .isEqualTo(Errors.TRANSACTION_ABORTABLE);
    }

    @Test
    void coordinatorTroubleIsRetriedAsNotEnoughReplicasAndFencingIsAnEpochError() {
        for (Errors e : new Errors[]{Errors.CONCURRENT_TRANSACTIONS, Errors.NETWORK_EXCEPTION,
                Errors.COORDINATOR_LOAD_IN_PROGRESS, Errors.COORDINATOR_NOT_AVAILABLE, Errors.NOT_COORDINATOR}) {
            assertThat(VerificationErrors.forProduce(e, (short) 9)).as("%s", e).isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
        }
        assertThat(VerificationErrors.forProduce(Errors.PRODUCER_FENCED, (short) 12))
                .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(VerificationErrors.forProduce(Errors.INVALID_PRODUCER_ID_MAPPING, (short) 12))
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
    }
}
