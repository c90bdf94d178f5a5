package io.strata.engine.handler.group;

import io.strata.engine.group.CommittedOffset;
import io.strata.engine.group.GroupOffsets;
import io.strata.engine.group.TxnOffsetCommits;
import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * TxnOffsetCommit v0-5 ({@code sendOffsetsToTransaction}): the offsets are written to the group's
 * {@code __consumer_offsets} partition as part of the producer's transaction and stay invisible to OffsetFetch
 * until its commit marker (see {@link TxnOffsetCommits}); the response is sent once they are replicated. v3+ carry
 * the consumer's generation, member id and group instance id, which fence zombie members (KIP-447):
 * ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID. Partitions of unknown topics get
 * UNKNOWN_TOPIC_OR_PARTITION; an empty group id INVALID_GROUP_ID. v5 (TV2) is served like v4: that the group's
 * partition belongs to the transaction is not verified with the transaction coordinator. v6 (topic ids) is not
 * served.
 */
public final class TxnOffsetCommitHandler extends TypedApiHandler<TxnOffsetCommitRequest> {
    private final TxnOffsetCommits txnOffsets;
    private final MetadataCache metadata;

    public TxnOffsetCommitHandler(TxnOffsetCommits txnOffsets, MetadataCache metadata) {
        super(ApiKeys.TXN_OFFSET_COMMIT, TxnOffsetCommitRequest.class, 0, 5);
        this.txnOffsets = txnOffsets;
        this.metadata = metadata;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, TxnOffsetCommitRequest request) {
        TxnOffsetCommitRequestData data = request.data();
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        Map<TopicPartition, CommittedOffset> valid = new LinkedHashMap<>();
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic : data.topics()) {
            Optional<TopicMetadata> known = metadata.topic(topic.name());
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                if (known.isEmpty() || p.partitionIndex() < 0 || p.partitionIndex() >= known.get().partitions().size()) {
                    results.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    results.put(tp, Errors.NONE); // keeps the request order
                    valid.put(tp, new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(),
                            p.committedMetadata(), 0));
                }
            }
        }
        if (data.groupId() == null || data.groupId().isEmpty()) {
            results.replaceAll((tp, error) -> Errors.INVALID_GROUP_ID);
            return CompletableFuture.completedFuture(response(results));
        }
        if (valid.isEmpty()) {
            return CompletableFuture.completedFuture(response(results));
        }
        return txnOffsets.commit(data.groupId(), data.producerId(), data.producerEpoch(),
                data.generationIdOrMemberEpoch(), data.memberId(), data.groupInstanceId(), valid).thenApply(result -> {
                    for (TopicPartition tp : valid.keySet()) {
                        results.put(tp, errorOf(result, tp));
                    }
                    return response(results);
                });
    }

    private static Errors errorOf(GroupOffsets.CommitResult result, TopicPartition tp) {
        return result.groupError() != Errors.NONE ? result.groupError()
                : result.partitions().getOrDefault(tp, Errors.UNKNOWN_SERVER_ERROR);
    }

    /** Answers in the request's topic and partition order. */
    private static TxnOffsetCommitResponseData response(Map<TopicPartition, Errors> results) {
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        Map<String, TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic> topics = new LinkedHashMap<>();
        results.forEach((tp, error) -> topics.computeIfAbsent(tp.topic(), name -> {
            TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic t =
                    new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic().setName(name);
            response.topics().add(t);
            return t;
        }).partitions().add(new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition()
                .setPartitionIndex(tp.partition()).setErrorCode(error.code())));
        return response;
    }
}
