package io.strata.engine.handler.txn;

import io.strata.engine.group.GroupCoordinator;
import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.network.RequestContext;
import io.strata.engine.txn.TransactionOperations;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AddOffsetsToTxn v0-4: adds the group's {@code __consumer_offsets} partition to the transaction, so its
 * transactional offset commits get the transaction's marker. Answers as AddPartitionsToTxn does.
 */
public final class AddOffsetsToTxnHandler extends TypedApiHandler<AddOffsetsToTxnRequest> {
    private final TransactionOperations transactions;
    private final GroupCoordinator groups;

    public AddOffsetsToTxnHandler(TransactionOperations transactions, GroupCoordinator groups) {
        super(ApiKeys.ADD_OFFSETS_TO_TXN, AddOffsetsToTxnRequest.class, 0, 4);
        this.transactions = transactions;
        this.groups = groups;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, AddOffsetsToTxnRequest request) {
        short version = context.apiVersion();
        String groupId = request.data().groupId();
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(new AddOffsetsToTxnResponseData()
                    .setErrorCode(Errors.INVALID_GROUP_ID.code()));
        }
        TopicPartition offsets = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, groups.partitionFor(groupId));
        return transactions.addPartitions(request.data().transactionalId(), request.data().producerId(),
                        request.data().producerEpoch(), Set.of(offsets))
                .exceptionally(TxnErrors::ofFailure)
                .thenApply(error -> new AddOffsetsToTxnResponseData()
                        .setErrorCode(TxnErrors.forVersion(error, version, 2).code()));
    }
}
