package io.strata.engine.txn;

import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.replication.BrokerChannel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The implicit add of transaction version 2 made by a broker on a client's behalf (TxnOffsetCommit v5 adding the
 * group's offsets partition), wherever the id's transaction coordinator is: in-process through
 * {@link TransactionOperations#addPartitionsImplicitly} when this broker leads the id's {@code __transaction_state}
 * partition (or no leader is known: the local coordinator then answers NOT_COORDINATOR), otherwise as an
 * AddPartitionsToTxn v5 request with {@code verifyOnly=false} to the leader, as Kafka's brokers send it. Failures to
 * reach it are COORDINATOR_NOT_AVAILABLE, which the caller's client retries.
 *
 * <p>Threads: called on request threads; a remote add blocks on {@code senders} (the broker's pool for blocking
 * coordinator sends), never on a request or coordinator thread. Each destination broker has one channel, used by
 * one send at a time (its monitor is held for the send; no other lock is taken inside it).
 */
public final class ImplicitPartitionAdder {
    private static final Logger log = LoggerFactory.getLogger(ImplicitPartitionAdder.class);
    private static final int REQUEST_TIMEOUT_MS = 30_000;
    private static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    private final int brokerId;
    private final MetadataCache metadata;
    private final TransactionCoordinator coordinator;
    private final Executor senders;
    private final Map<Integer, BrokerChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ImplicitPartitionAdder(int brokerId, MetadataCache metadata, TransactionCoordinator coordinator,
                                  Executor senders) {
        this.brokerId = brokerId;
        this.metadata = metadata;
        this.coordinator = coordinator;
        this.senders = senders;
    }

    /** The coordinator's answer for the partitions (one error for all); never fails. */
    public CompletableFuture<Errors> add(String transactionalId, long producerId, short producerEpoch,
                                         Set<TopicPartition> partitions) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.INVALID_REQUEST);
        }
        int leader = coordinatorBroker(transactionalId);
        if (leader < 0 || leader == brokerId) {
            return coordinator.operations().addPartitionsImplicitly(transactionalId, producerId, producerEpoch,
                    partitions).exceptionally(io.strata.engine.coordinator.CoordinatorErrors::errorOf);
        }
        Optional<BrokerRegistration> broker = metadata.broker(leader);
        if (broker.isEmpty() || closed) {
            return CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        try {
            return CompletableFuture.supplyAsync(() -> sendBlocking(broker.get(), transactionalId, producerId,
                    producerEpoch, partitions), senders);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);
        }
    }

    private int coordinatorBroker(String transactionalId) {
        return metadata.topic(TransactionStateTopic.NAME).map(topic -> {
            int partition = TransactionStateTopic.partitionFor(transactionalId, topic.partitions().size());
            PartitionMetadata p = topic.partitions().get(partition);
            return p.leader();
        }).orElse(-1);
    }

    private Errors sendBlocking(BrokerRegistration broker, String transactionalId, long producerId,
                                short producerEpoch, Set<TopicPartition> partitions) {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction txn =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction().setTransactionalId(transactionalId)
                        .setProducerId(producerId).setProducerEpoch(producerEpoch).setVerifyOnly(false);
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new java.util.ArrayList<>())
                .add(tp.partition()));
        byTopic.forEach((topic, ids) -> txn.topics().add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic()
                .setName(topic).setPartitions(ids)));
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection transactions =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
        transactions.add(txn);
        BrokerChannel channel = channels.computeIfAbsent(broker.brokerId(),
                id -> new BrokerChannel("strata-txn-add-" + brokerId, MAX_RESPONSE_BYTES));
        AddPartitionsToTxnResponse response;
        synchronized (channel) {
            try {
                response = (AddPartitionsToTxnResponse) channel.send(broker.host(), broker.port(),
                        AddPartitionsToTxnRequest.Builder.forBroker(transactions), REQUEST_TIMEOUT_MS);
            } catch (IOException e) {
                log.debug("Adding {} to the transaction of {} at broker {} failed: {}", partitions, transactionalId,
                        broker.brokerId(), e.getMessage());
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
        }
        return errorOf(response.data(), transactionalId);
    }

    /** The top-level error, else the first partition error of the transaction, else NONE. */
    static Errors errorOf(AddPartitionsToTxnResponseData response, String transactionalId) {
        if (response.errorCode() != Errors.NONE.code()) {
            return Errors.forCode(response.errorCode());
        }
        AddPartitionsToTxnResponseData.AddPartitionsToTxnResult result =
                response.resultsByTransaction().find(transactionalId);
        if (result == null) {
            return Errors.UNKNOWN_SERVER_ERROR;
        }
        for (AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult topic : result.topicResults()) {
            for (AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult p : topic.resultsByPartition()) {
                if (p.partitionErrorCode() != Errors.NONE.code()) {
                    return Errors.forCode(p.partitionErrorCode());
                }
            }
        }
        return Errors.NONE;
    }

    /** Closes the channels, which unblocks sends in progress (they answer COORDINATOR_NOT_AVAILABLE). Any thread. */
    public void close() {
        closed = true;
        channels.values().forEach(BrokerChannel::close);
    }
}
