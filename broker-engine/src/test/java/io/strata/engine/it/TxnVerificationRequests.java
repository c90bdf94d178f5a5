package io.strata.engine.it;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * Raw requests for KIP-890 verification tests, on one {@link RawKafkaConnection}: transactional InitProducerId,
 * client and batched (broker) AddPartitionsToTxn, and transactional Produce at a chosen version.
 */
public final class TxnVerificationRequests implements AutoCloseable {
    private final RawKafkaConnection connection;

    public TxnVerificationRequests(String bootstrap) throws IOException {
        connection = new RawKafkaConnection(bootstrap);
    }

    /** A batched (v4+) form's transaction entry. */
    public static AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction transaction(
            String transactionalId, long producerId, short epoch, boolean verifyOnly, List<TopicPartition> partitions) {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        for (TopicPartition tp : partitions) {
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic = topics.find(tp.topic());
            if (topic == null) {
                topic = new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(tp.topic())
                        .setPartitions(new ArrayList<>());
                topics.add(topic);
            }
            topic.partitions().add(tp.partition());
        }
        return new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction().setTransactionalId(transactionalId)
                .setProducerId(producerId).setProducerEpoch(epoch).setVerifyOnly(verifyOnly).setTopics(topics);
    }

    /**
     * FindCoordinator (which creates {@code __transaction_state}), then transactional InitProducerId v5, retried while
     * the coordinator loads or aborts.
     */
    public InitProducerIdResponseData init(String transactionalId, int timeoutMs) {
        AtomicReference<InitProducerIdResponseData> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            FindCoordinatorResponse found = connection.send(new FindCoordinatorRequest.Builder(
                    new FindCoordinatorRequestData().setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id())
                            .setCoordinatorKeys(List.of(transactionalId))), (short) 4);
            if (found.coordinatorByKey(transactionalId).map(x -> x.errorCode() != Errors.NONE.code()).orElse(true)) {
                return false;
            }
            InitProducerIdResponse response = connection.send(new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData().setTransactionalId(transactionalId)
                            .setTransactionTimeoutMs(timeoutMs)), (short) 5);
            answer.set(response.data());
            return response.error() != Errors.COORDINATOR_LOAD_IN_PROGRESS
                    && response.error() != Errors.CONCURRENT_TRANSACTIONS
                    && response.error() != Errors.NOT_COORDINATOR;
        });
        if (answer.get().errorCode() != Errors.NONE.code()) {
            throw new AssertionError("InitProducerId failed: " + Errors.forCode(answer.get().errorCode()));
        }
        return answer.get();
    }

    /** Client AddPartitionsToTxn v3 of one partition. */
    public Errors addPartition(String transactionalId, InitProducerIdResponseData producer, TopicPartition tp)
            throws IOException {
        AddPartitionsToTxnResponse response = connection.send(AddPartitionsToTxnRequest.Builder.forClient(
                transactionalId, producer.producerId(), producer.producerEpoch(), List.of(tp)), (short) 3);
        return response.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID).get(tp);
    }

    /** The batched form at {@code version} (4 or 5): each transaction's errors per partition. */
    public Map<String, Map<TopicPartition, Errors>> addPartitionsBatched(
            short version, List<AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction> transactions)
            throws IOException {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection txns =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
        transactions.forEach(txns::add);
        AddPartitionsToTxnResponse response = connection.send(AddPartitionsToTxnRequest.Builder.forBroker(txns), version);
        return response.errors();
    }

    /** One transactional batch at produce {@code version} (3-12: names topics), acks=all; the partition's error. */
    public Errors produce(short version, String transactionalId, TopicPartition tp, long producerId, short epoch,
                          int baseSequence, String... values) throws IOException {
        return TxnRequests.produce(connection, version, true, transactionalId, tp, producerId, epoch, baseSequence,
                values);
    }

    /** EndTxn v4 (transaction version 1: no epoch bump). */
    public static Errors end(RawKafkaConnection c, String transactionalId, InitProducerIdResponseData producer,
                             boolean commit) throws IOException {
        EndTxnResponse response = c.send(new EndTxnRequest.Builder(new EndTxnRequestData()
                .setTransactionalId(transactionalId).setProducerId(producer.producerId())
                .setProducerEpoch(producer.producerEpoch()).setCommitted(commit), false), (short) 4);
        return response.error();
    }

    public RawKafkaConnection connection() {
        return connection;
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
