package io.strata.engine.handler.group;

import io.strata.engine.group.CommittedOffset;
import io.strata.engine.group.GroupOffsets;
import io.strata.engine.group.TxnOffsetCommits;
import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.coordinator.CoordinatorErrors;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
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
import java.util.function.ToIntFunction;

/**
 * TxnOffsetCommit v0-5 ({@code sendOffsetsToTransaction}): the offsets are written to the group's
 * {@code __consumer_offsets} partition as part of the producer's transaction and stay invisible to OffsetFetch
 * until its commit marker (see {@link TxnOffsetCommits}); the response is sent once they are replicated. v3+ carry
 * the consumer's generation, member id and group instance id, which fence zombie members (KIP-447):
 * ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID. Partitions of unknown topics get
 * UNKNOWN_TOPIC_OR_PARTITION; an empty group id INVALID_GROUP_ID. v5 is sent by transaction version 2 clients,
 * which send no AddOffsetsToTxn (KIP-890 part 2): the group's {@code __consumer_offsets} partition is first added to
 * the transaction through {@link TransactionAdder} (as Kafka's group coordinator does with AddPartitionsToTxn
 * verifyOnly=false), and only then are the offsets written; the add's refusal answers every partition, PRODUCER_FENCED
 * as INVALID_PRODUCER_EPOCH and an unavailable transaction coordinator as COORDINATOR_NOT_AVAILABLE (the client
 * retries), as Kafka answers. v6 (topic ids) is not served.
 *
 * <p>Threads: request threads; the add completes on a coordinator or verification-lane thread, the commit on the
 * coordinators' completion threads.
 */
public final class TxnOffsetCommitHandler extends TypedApiHandler<TxnOffsetCommitRequest> {
    /** The first version whose client relies on the implicit add of the offsets partition. */
    static final short IMPLICIT_ADD_VERSION = 5;

    /**
     * Adds a group's offsets partition to a transaction at its transaction coordinator (in-process when that is this
     * broker); the future holds the coordinator's answer, or fails with a coordinator error.
     */
    @FunctionalInterface
    public interface TransactionAdder {
        CompletableFuture<Errors> addOffsetsPartition(String transactionalId, long producerId, short producerEpoch,
                                                      TopicPartition offsetsPartition);
    }

    private final TxnOffsetCommits txnOffsets;
    private final MetadataCache metadata;
    private final ToIntFunction<String> offsetsPartitionOfGroup;
    private final TransactionAdder transactions;

    /**
     * @param offsetsPartitionOfGroup the {@code __consumer_offsets} partition of a group id
     */
    public TxnOffsetCommitHandler(TxnOffsetCommits txnOffsets, MetadataCache metadata,
                                  ToIntFunction<String> offsetsPartitionOfGroup, TransactionAdder transactions) {
        super(ApiKeys.TXN_OFFSET_COMMIT, TxnOffsetCommitRequest.class, 0, 5);
        this.txnOffsets = txnOffsets;
        this.metadata = metadata;
        this.offsetsPartitionOfGroup = offsetsPartitionOfGroup;
        this.transactions = transactions;
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
        if (context.apiVersion() < IMPLICIT_ADD_VERSION) {
            return commit(data, valid, results);
        }
        TopicPartition offsetsPartition = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME,
                offsetsPartitionOfGroup.applyAsInt(data.groupId()));
        return transactions.addOffsetsPartition(data.transactionalId(), data.producerId(), data.producerEpoch(),
                        offsetsPartition)
                .exceptionally(CoordinatorErrors::errorOf)
                .thenCompose(error -> {
                    if (error == Errors.NONE) {
                        return commit(data, valid, results);
                    }
                    Errors answer = addErrorForClient(error);
                    valid.keySet().forEach(tp -> results.put(tp, answer));
                    return CompletableFuture.completedFuture(response(results));
                });
    }

    private CompletableFuture<ApiMessage> commit(TxnOffsetCommitRequestData data,
                                                 Map<TopicPartition, CommittedOffset> valid,
                                                 Map<TopicPartition, Errors> results) {
        return txnOffsets.commit(data.groupId(), data.producerId(), data.producerEpoch(),
                data.generationIdOrMemberEpoch(), data.memberId(), data.groupInstanceId(), valid).thenApply(result -> {
                    for (TopicPartition tp : valid.keySet()) {
                        results.put(tp, errorOf(result, tp));
                    }
                    return response(results);
                });
    }

    /** What a TxnOffsetCommit client makes of the transaction coordinator's refusal of the implicit add. */
    static Errors addErrorForClient(Errors error) {
        return switch (error) {
            case PRODUCER_FENCED -> Errors.INVALID_PRODUCER_EPOCH;
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, REQUEST_TIMED_OUT,
                 NETWORK_EXCEPTION ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            default -> error;
        };
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
