package io.strata.engine.handler.txn;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.network.RequestContext;
import io.strata.engine.txn.TransactionListing;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeTransactions v0: state, timeout, start time, producer id and epoch, and partitions of each transactional
 * id this broker coordinates; NOT_COORDINATOR for ids of partitions it does not lead, TRANSACTIONAL_ID_NOT_FOUND for
 * unknown ids, COORDINATOR_LOAD_IN_PROGRESS while the partition loads.
 */
public final class DescribeTransactionsHandler extends TypedApiHandler<DescribeTransactionsRequest> {
    private final TransactionListing listing;

    public DescribeTransactionsHandler(TransactionListing listing) {
        super(ApiKeys.DESCRIBE_TRANSACTIONS, DescribeTransactionsRequest.class, 0, 0);
        this.listing = listing;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, DescribeTransactionsRequest request) {
        List<CompletableFuture<TransactionListing.Described>> described = new ArrayList<>();
        for (String id : request.data().transactionalIds()) {
            described.add(listing.describe(id));
        }
        return CompletableFuture.allOf(described.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
            DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
            for (CompletableFuture<TransactionListing.Described> future : described) {
                TransactionListing.Described d = future.join();
                DescribeTransactionsResponseData.TransactionState state = new DescribeTransactionsResponseData.TransactionState()
                        .setErrorCode(d.error().code()).setTransactionalId(d.transactionalId())
                        .setTransactionState(d.state()).setTransactionTimeoutMs(d.timeoutMs())
                        .setTransactionStartTimeMs(d.startTimeMs()).setProducerId(d.producerId())
                        .setProducerEpoch(d.producerEpoch());
                Map<String, List<Integer>> byTopic = new TreeMap<>();
                for (TopicPartition tp : d.partitions()) {
                    byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
                }
                byTopic.forEach((topic, partitions) -> state.topics().add(
                        new DescribeTransactionsResponseData.TopicData().setTopic(topic)
                                .setPartitions(partitions.stream().sorted().toList())));
                response.transactionStates().add(state);
            }
            return response;
        });
    }
}
