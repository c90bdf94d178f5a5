package io.strata.engine.txn;

import io.strata.engine.coordinator.CoordinatorErrors;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.replication.BrokerChannel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A partition leader's side of KIP-890: asks a transactional id's coordinator (the leader of its
 * {@code __transaction_state} partition in the metadata cache) whether partitions are in the producer's ongoing
 * transaction ({@code add} false: AddPartitionsToTxn v5 verifyOnly, for produce below v12), or adds them
 * ({@code add} true: produce v12+, a TV2 producer that sends no AddPartitionsToTxn; and TxnOffsetCommit v5, through
 * {@link #addImplicitly}, for the group's offsets partition). A coordinator on this broker is
 * called in-process through the same {@link TransactionOperations}; other brokers get batched requests, one
 * {@link VerificationLane} per destination over its own {@link BrokerChannel}.
 *
 * <p>Answers are per partition: the coordinator's errors (PRODUCER_FENCED as INVALID_PRODUCER_EPOCH),
 * COORDINATOR_NOT_AVAILABLE when the coordinator is unknown, NETWORK_EXCEPTION when it could not be reached.
 * Callers map them to produce errors. The futures complete on a lane thread or on a coordinator runtime thread:
 * callers must not block or do I/O there.
 *
 * <p>Thread-safety: any thread; lanes are created once per destination (concurrent map). {@link #close} closes the
 * channels, which ends sends in progress with NETWORK_EXCEPTION.
 */
public final class TransactionVerifier implements Closeable {
    private static final int REQUEST_TIMEOUT_MS = 30_000;
    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private final int brokerId;
    private final MetadataCache metadata;
    private final TransactionOperations local;
    private final Executor senders;
    private final Map<Integer, VerificationLane> lanes = new ConcurrentHashMap<>();
    private final Map<Integer, BrokerChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param local   this broker's coordinator operations
     * @param senders where lanes run their blocking sends (a pool growing with the number of coordinator brokers)
     */
    public TransactionVerifier(int brokerId, MetadataCache metadata, TransactionOperations local, Executor senders) {
        this.brokerId = brokerId;
        this.metadata = metadata;
        this.local = local;
        this.senders = senders;
    }

    /** Verifies ({@code add} false) or adds ({@code add} true) the partitions with the id's coordinator. */
    public CompletableFuture<Map<TopicPartition, Errors>> verify(String transactionalId, long producerId, short epoch,
                                                                 Set<TopicPartition> partitions, boolean add) {
        Optional<Integer> coordinator = coordinatorOf(transactionalId);
        if (coordinator.isEmpty() || closed) {
            return CompletableFuture.completedFuture(
                    VerificationLane.allWith(partitions, Errors.COORDINATOR_NOT_AVAILABLE));
        }
        if (coordinator.get() == brokerId) {
            return locally(transactionalId, producerId, epoch, partitions, add);
        }
        return lane(coordinator.get()).submit(transactionalId, producerId, epoch, !add, partitions);
    }

    /**
     * Adds the partitions to the transaction (transaction version 2's implicit add) and answers with one error: the
     * first partition's refusal, or NONE. An empty id has no coordinator: INVALID_REQUEST.
     */
    public CompletableFuture<Errors> addImplicitly(String transactionalId, long producerId, short epoch,
                                                   Set<TopicPartition> partitions) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.INVALID_REQUEST);
        }
        return verify(transactionalId, producerId, epoch, partitions, true).thenApply(errors -> errors.values()
                .stream().filter(e -> e != Errors.NONE).findFirst().orElse(Errors.NONE));
    }

    private CompletableFuture<Map<TopicPartition, Errors>> locally(String transactionalId, long producerId, short epoch,
                                                                   Set<TopicPartition> partitions, boolean add) {
        CompletableFuture<Map<TopicPartition, Errors>> answer = add
                ? local.addPartitionsImplicitly(transactionalId, producerId, epoch, partitions)
                        .thenApply(error -> VerificationLane.allWith(partitions, error))
                : local.verifyPartitions(transactionalId, producerId, epoch, partitions);
        return answer.exceptionally(failure -> VerificationLane.allWith(partitions, CoordinatorErrors.errorOf(failure)))
                .thenApply(errors -> {
                    Map<TopicPartition, Errors> mapped = new LinkedHashMap<>();
                    errors.forEach((tp, e) -> mapped.put(tp, e == Errors.PRODUCER_FENCED ? Errors.INVALID_PRODUCER_EPOCH : e));
                    return mapped;
                });
    }

    /** The live broker leading the id's {@code __transaction_state} partition, if the cache knows one. */
    Optional<Integer> coordinatorOf(String transactionalId) {
        Optional<TopicMetadata> topic = metadata.topic(TransactionStateTopic.NAME);
        if (topic.isEmpty() || topic.get().partitions().isEmpty()) {
            return Optional.empty();
        }
        int partition = TransactionStateTopic.partitionFor(transactionalId, topic.get().partitions().size());
        PartitionMetadata p = topic.get().partitions().get(partition);
        if (p.leader() < 0) {
            return Optional.empty();
        }
        if (p.leader() == brokerId) {
            return Optional.of(brokerId);
        }
        return metadata.broker(p.leader()).filter(BrokerRegistration::live).map(BrokerRegistration::brokerId);
    }

    private VerificationLane lane(int destination) {
        return lanes.computeIfAbsent(destination, id -> {
            BrokerChannel channel = channels.computeIfAbsent(id,
                    d -> new BrokerChannel("strata-txn-verify-" + brokerId, MAX_RESPONSE_BYTES));
            return new VerificationLane(id, txns -> send(channel, id, txns), senders);
        });
    }

    private AddPartitionsToTxnResponseData send(BrokerChannel channel, int destination,
                                                AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection txns)
            throws IOException {
        BrokerRegistration broker = metadata.broker(destination)
                .orElseThrow(() -> new IOException("Broker " + destination + " is not registered"));
        AddPartitionsToTxnResponse response = (AddPartitionsToTxnResponse) channel.send(broker.host(), broker.port(),
                AddPartitionsToTxnRequest.Builder.forBroker(txns), REQUEST_TIMEOUT_MS);
        return response.data();
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(BrokerChannel::close);
    }
}
