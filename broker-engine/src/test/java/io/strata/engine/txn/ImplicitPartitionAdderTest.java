package io.strata.engine.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How a remote coordinator's AddPartitionsToTxn v5 answer becomes the implicit add's one error. */
class ImplicitPartitionAdderTest {
    private static final TopicPartition OFFSETS = new TopicPartition("__consumer_offsets", 7);

    private static AddPartitionsToTxnResponseData answer(String id, Errors partitionError) {
        AddPartitionsToTxnResponseData data = new AddPartitionsToTxnResponseData();
        data.resultsByTransaction().add(AddPartitionsToTxnResponse.resultForTransaction(id,
                Map.of(OFFSETS, partitionError)));
        return data;
    }

    @Test
    void thePartitionsAnswerIsTheAddsAnswerAndATopLevelErrorWins() {
        assertThat(ImplicitPartitionAdder.errorOf(answer("t", Errors.NONE), "t")).isEqualTo(Errors.NONE);
        assertThat(ImplicitPartitionAdder.errorOf(answer("t", Errors.PRODUCER_FENCED), "t"))
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(ImplicitPartitionAdder.errorOf(answer("t", Errors.NONE)
                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()), "t"))
                .isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED);
        assertThat(ImplicitPartitionAdder.errorOf(answer("other", Errors.NONE), "t"))
                .as("no answer for the id").isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
    }
}
