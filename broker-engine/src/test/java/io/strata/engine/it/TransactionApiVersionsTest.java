package io.strata.engine.it;

import io.strata.engine.config.TransactionConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The transaction coordinator's APIs at every advertised version, as raw requests: each version is answered with
 * the right data, and a fenced producer gets INVALID_PRODUCER_EPOCH from the versions that predate
 * PRODUCER_FENCED, as Kafka answers old clients.
 */
class TransactionApiVersionsTest extends BrokerTestBase {
    private static final String TOPIC = "versioned";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private InitProducerIdResponseData init(RawKafkaConnection c, String id, short version) {
        AtomicReference<InitProducerIdResponseData> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> { // the first call may find the partition loading
            InitProducerIdResponse response = c.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(id).setTransactionTimeoutMs(30_000)), version);
            answer.set(response.data());
            return response.error() != Errors.COORDINATOR_LOAD_IN_PROGRESS
                    && response.error() != Errors.CONCURRENT_TRANSACTIONS;
        });
        return answer.get();
    }

    private static Errors addPartition(RawKafkaConnection c, String id, InitProducerIdResponseData p, short version)
            throws Exception {
        AddPartitionsToTxnResponse response = c.send(AddPartitionsToTxnRequest.Builder.forClient(id, p.producerId(),
                p.producerEpoch(), List.of(TP)), version);
        return response.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID).get(TP);
    }

    private static Errors end(RawKafkaConnection c, String id, long producerId, short epoch, boolean commit,
                              short version) throws Exception {
        EndTxnResponse response = c.send(new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(id)
                .setProducerId(producerId).setProducerEpoch(epoch).setCommitted(commit), false), version);
        return response.error();
    }

    @Test
    void everyTransactionApiVersionIsServed() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(), c -> c.withTransactions(TransactionConfig.defaults()
                .withStateLogReplicationFactor((short) 1).withStateLogNumPartitions(1)));
        fixture.createTopic(fixture.admin(), TOPIC, 1, Map.of());
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            for (short v = 1; v <= ApiKeys.FIND_COORDINATOR.latestVersion(); v++) {
                FindCoordinatorRequestData data = new FindCoordinatorRequestData()
                        .setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id());
                if (v < FindCoordinatorRequest.MIN_BATCHED_VERSION) {
                    data.setKey("t");
                } else {
                    data.setCoordinatorKeys(List.of("t"));
                }
                FindCoordinatorResponse response = c.send(new FindCoordinatorRequest.Builder(data), v);
                assertThat(response.coordinatorByKey("t").map(x -> Errors.forCode(x.errorCode()))).as("v%d", v)
                        .hasValue(Errors.NONE);
            }
            for (short v = 0; v <= 5; v++) {
                InitProducerIdResponseData first = init(c, "init-v" + v, v);
                assertThat(Errors.forCode(first.errorCode())).as("v%d", v).isEqualTo(Errors.NONE);
                assertThat(first.producerEpoch()).as("v%d", v).isZero();
                assertThat(init(c, "init-v" + v, v).producerEpoch()).as("v%d", v).isEqualTo((short) 1);
            }
            for (short v = 0; v <= 3; v++) {
                String id = "add-v" + v;
                InitProducerIdResponseData p = init(c, id, (short) 5);
                assertThat(addPartition(c, id, p, v)).as("v%d", v).isEqualTo(Errors.NONE);
                InitProducerIdResponseData stale = new InitProducerIdResponseData().setProducerId(p.producerId())
                        .setProducerEpoch((short) (p.producerEpoch() - 1));
                assertThat(addPartition(c, id, stale, v)).as("v%d", v)
                        .isEqualTo(v < 2 ? Errors.INVALID_PRODUCER_EPOCH : Errors.PRODUCER_FENCED);
            }
            for (short v = 0; v <= 4; v++) {
                String id = "offsets-v" + v;
                InitProducerIdResponseData p = init(c, id, (short) 5);
                AddOffsetsToTxnResponse response = c.send(new AddOffsetsToTxnRequest.Builder(
                        new AddOffsetsToTxnRequestData().setTransactionalId(id).setProducerId(p.producerId())
                                .setProducerEpoch(p.producerEpoch()).setGroupId("g")), v);
                assertThat(Errors.forCode(response.data().errorCode())).as("v%d", v).isEqualTo(Errors.NONE);
                assertThat(end(c, id, p.producerId(), p.producerEpoch(), false, (short) 4)).isEqualTo(Errors.NONE);
            }
            for (short v = 0; v <= 4; v++) {
                String id = "end-v" + v;
                InitProducerIdResponseData p = init(c, id, (short) 5);
                assertThat(addPartition(c, id, p, (short) 3)).isEqualTo(Errors.NONE);
                assertThat(end(c, id, p.producerId(), (short) (p.producerEpoch() + 1), true, v)).as("v%d", v)
                        .isEqualTo(v < 2 ? Errors.INVALID_PRODUCER_EPOCH : Errors.PRODUCER_FENCED);
                assertThat(end(c, id, p.producerId(), p.producerEpoch(), true, v)).as("v%d", v).isEqualTo(Errors.NONE);
            }
        }
    }
}
