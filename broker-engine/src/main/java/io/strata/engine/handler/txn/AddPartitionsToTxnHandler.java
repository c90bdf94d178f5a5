package io.strata.engine.handler.txn;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.network.RequestContext;
import io.strata.engine.txn.TransactionOperations;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AddPartitionsToTxn v0-5. Versions 0-3 are the form clients send: the partitions join the producer's transaction
 * (which starts with the first), and every partition gets the coordinator's one answer. Versions 4-5 are the batched
 * form partition leaders send (KIP-890): many transactions per request, each answered on its own; one with
 * {@code verifyOnly} asks whether each partition is in the producer's ongoing transaction (NONE, else
 * TRANSACTION_ABORTABLE at v5 and INVALID_TXN_STATE at v4, which predates that error; PRODUCER_FENCED,
 * INVALID_PRODUCER_ID_MAPPING, CONCURRENT_TRANSACTIONS for all of them), one without adds the partitions as a
 * client's request does, to a transaction of version 2 (a leader adding them implicitly for a TV2 producer).
 *
 * <p>In both forms a transaction naming partitions of unknown topics, or beyond a topic's partition count, gets
 * UNKNOWN_TOPIC_OR_PARTITION for those and OPERATION_NOT_ATTEMPTED for the others, as in Kafka. Strata does not
 * authorize inter-broker requests (Kafka requires CLUSTER_ACTION for v4+), as for WriteTxnMarkers.
 *
 * <p>Threads: runs on a request thread; the coordinator's answers complete on its threads.
 */
public final class AddPartitionsToTxnHandler extends TypedApiHandler<AddPartitionsToTxnRequest> {
    /** The first version of the batched, inter-broker form. */
    public static final short FIRST_BATCHED_VERSION = 4;
    /** The first version whose answers may carry TRANSACTION_ABORTABLE. */
    private static final short FIRST_ABORTABLE_VERSION = 5;

    private final TransactionOperations transactions;
    private final MetadataCache metadata;

    public AddPartitionsToTxnHandler(TransactionOperations transactions, MetadataCache metadata) {
        super(ApiKeys.ADD_PARTITIONS_TO_TXN, AddPartitionsToTxnRequest.class, 0, 5);
        this.transactions = transactions;
        this.metadata = metadata;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, AddPartitionsToTxnRequest request) {
        AddPartitionsToTxnRequestData data = request.data();
        short version = context.apiVersion();
        if (version < FIRST_BATCHED_VERSION) {
            Set<TopicPartition> partitions = partitions(data.v3AndBelowTopics());
            return clientForm(data, partitions, version).thenApply(errors -> {
                AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData();
                response.resultsByTopicV3AndBelow().addAll(topicResults(errors));
                return response;
            });
        }
        List<CompletableFuture<AddPartitionsToTxnResponseData.AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction txn : data.transactions()) {
            results.add(batchedForm(txn, version).thenApply(errors ->
                    new AddPartitionsToTxnResponseData.AddPartitionsToTxnResult()
                            .setTransactionalId(txn.transactionalId())
                            .setTopicResults(new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection(
                                    topicResults(errors).iterator()))));
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
            AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData().setErrorCode(Errors.NONE.code());
            results.forEach(r -> response.resultsByTransaction().add(r.join()));
            return response;
        });
    }

    private CompletableFuture<Map<TopicPartition, Errors>> clientForm(AddPartitionsToTxnRequestData data,
                                                                       Set<TopicPartition> partitions, short version) {
        Optional<Map<TopicPartition, Errors>> unknown = unknownPartitions(partitions);
        if (unknown.isPresent()) {
            return CompletableFuture.completedFuture(unknown.get());
        }
        if (partitions.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return transactions.addPartitions(data.v3AndBelowTransactionalId(), data.v3AndBelowProducerId(),
                        data.v3AndBelowProducerEpoch(), partitions)
                .exceptionally(TxnErrors::ofFailure)
                .thenApply(error -> allWith(partitions, TxnErrors.forVersion(error, version, 2)));
    }

    private CompletableFuture<Map<TopicPartition, Errors>> batchedForm(
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction txn, short version) {
        Set<TopicPartition> partitions = partitions(txn.topics());
        Optional<Map<TopicPartition, Errors>> unknown = unknownPartitions(partitions);
        if (unknown.isPresent()) {
            return CompletableFuture.completedFuture(unknown.get());
        }
        if (partitions.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        if (!txn.verifyOnly()) {
            return transactions.addPartitionsImplicitly(txn.transactionalId(), txn.producerId(), txn.producerEpoch(),
                            partitions)
                    .exceptionally(TxnErrors::ofFailure)
                    .thenApply(error -> allWith(partitions, error));
        }
        return transactions.verifyPartitions(txn.transactionalId(), txn.producerId(), txn.producerEpoch(), partitions)
                .exceptionally(failure -> allWith(partitions, TxnErrors.ofFailure(failure)))
                .thenApply(errors -> {
                    if (version >= FIRST_ABORTABLE_VERSION) {
                        return errors;
                    }
                    Map<TopicPartition, Errors> older = new LinkedHashMap<>();
                    errors.forEach((tp, e) -> older.put(tp, e == Errors.TRANSACTION_ABORTABLE ? Errors.INVALID_TXN_STATE : e));
                    return older;
                });
    }

    private static Set<TopicPartition> partitions(
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics) {
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic : topics) {
            for (int p : topic.partitions()) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        return partitions;
    }

    /** The errors of a transaction naming a partition that does not exist, if one does. */
    private Optional<Map<TopicPartition, Errors>> unknownPartitions(Set<TopicPartition> partitions) {
        Map<TopicPartition, Errors> unknown = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            Optional<TopicMetadata> topic = metadata.topic(tp.topic());
            if (topic.isEmpty() || tp.partition() < 0 || tp.partition() >= topic.get().partitions().size()) {
                unknown.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
        }
        if (unknown.isEmpty()) {
            return Optional.empty();
        }
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        partitions.forEach(tp -> errors.put(tp, unknown.getOrDefault(tp, Errors.OPERATION_NOT_ATTEMPTED)));
        return Optional.of(errors);
    }

    private static Map<TopicPartition, Errors> allWith(Set<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        partitions.forEach(tp -> errors.put(tp, error));
        return errors;
    }

    private static List<AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult> topicResults(
            Map<TopicPartition, Errors> errors) {
        Map<String, AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult> byTopic = new LinkedHashMap<>();
        errors.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(),
                        t -> new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult().setName(t))
                .resultsByPartition().add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult()
                        .setPartitionIndex(tp.partition()).setPartitionErrorCode(error.code())));
        return new ArrayList<>(byTopic.values());
    }
}
