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

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AddPartitionsToTxn v0-3, the form clients send: the partitions join the producer's transaction (which starts
 * with the first). Partitions of unknown topics, or beyond a topic's partition count, get
 * UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED, as in Kafka; otherwise every partition gets
 * the coordinator's one answer. The batched, verify-only form brokers send (v4+, KIP-890) is not served.
 */
public final class AddPartitionsToTxnHandler extends TypedApiHandler<AddPartitionsToTxnRequest> {
    private final TransactionOperations transactions;
    private final MetadataCache metadata;

    public AddPartitionsToTxnHandler(TransactionOperations transactions, MetadataCache metadata) {
        super(ApiKeys.ADD_PARTITIONS_TO_TXN, AddPartitionsToTxnRequest.class, 0, 3);
        this.transactions = transactions;
        this.metadata = metadata;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, AddPartitionsToTxnRequest request) {
        AddPartitionsToTxnRequestData data = request.data();
        short version = context.apiVersion();
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic : data.v3AndBelowTopics()) {
            for (int p : topic.partitions()) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        Map<TopicPartition, Errors> unknown = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            Optional<TopicMetadata> topic = metadata.topic(tp.topic());
            if (topic.isEmpty() || tp.partition() < 0 || tp.partition() >= topic.get().partitions().size()) {
                unknown.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
        }
        if (!unknown.isEmpty()) {
            Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
            partitions.forEach(tp -> errors.put(tp, unknown.getOrDefault(tp, Errors.OPERATION_NOT_ATTEMPTED)));
            return CompletableFuture.completedFuture(response(errors));
        }
        if (partitions.isEmpty()) {
            return CompletableFuture.completedFuture(response(Map.of()));
        }
        return transactions.addPartitions(data.v3AndBelowTransactionalId(), data.v3AndBelowProducerId(),
                        data.v3AndBelowProducerEpoch(), partitions)
                .exceptionally(TxnErrors::ofFailure)
                .thenApply(error -> {
                    Errors answer = TxnErrors.forVersion(error, version, 2);
                    Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
                    partitions.forEach(tp -> errors.put(tp, answer));
                    return response(errors);
                });
    }

    private static ApiMessage response(Map<TopicPartition, Errors> errors) {
        AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData();
        Map<String, AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult> byTopic = new LinkedHashMap<>();
        errors.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(),
                        t -> new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult().setName(t))
                .resultsByPartition().add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult()
                        .setPartitionIndex(tp.partition()).setPartitionErrorCode(error.code())));
        byTopic.values().forEach(r -> response.resultsByTopicV3AndBelow().add(r));
        return response;
    }
}
