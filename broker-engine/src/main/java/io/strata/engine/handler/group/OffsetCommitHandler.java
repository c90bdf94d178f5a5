package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.CommittedOffset;
import io.strata.engine.group.GroupCoordinator;
import io.strata.engine.group.GroupOffsets;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetCommit v2-10 from group members (generation and member id checked) and from standalone consumers or
 * admin resets (generation -1, only for groups without members). Partitions of unknown topics are
 * refused per partition; topics are named (v2-9) or identified by id (v10+).
 */
public final class OffsetCommitHandler extends TypedApiHandler<OffsetCommitRequest> {
    private static final short TOPIC_ID_VERSION = 10;

    private final GroupOffsets offsets;
    private final MetadataCache metadata;

    public OffsetCommitHandler(GroupCoordinator coordinator, MetadataCache metadata) {
        super(ApiKeys.OFFSET_COMMIT, OffsetCommitRequest.class, 2, 10);
        this.offsets = coordinator.offsets();
        this.metadata = metadata;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, OffsetCommitRequest request) {
        OffsetCommitRequestData data = request.data();
        boolean byId = context.apiVersion() >= TOPIC_ID_VERSION;
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        Map<TopicPartition, CommittedOffset> valid = new LinkedHashMap<>();
        Map<TopicPartition, Uuid> ids = new LinkedHashMap<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic topic : data.topics()) {
            Optional<TopicMetadata> known = byId ? metadata.topic(topic.topicId()) : metadata.topic(topic.name());
            String name = known.map(TopicMetadata::name).orElse(topic.name());
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(name, p.partitionIndex());
                ids.put(tp, topic.topicId());
                if (known.isEmpty() || p.partitionIndex() < 0 || p.partitionIndex() >= known.get().partitions().size()) {
                    results.put(tp, byId && known.isEmpty() ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    valid.put(tp, new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(),
                            p.committedMetadata(), 0));
                }
            }
        }
        if (valid.isEmpty()) {
            return CompletableFuture.completedFuture(response(data, results, ids, byId));
        }
        // Completes only once the commit is on every ISR member of the group's offsets partition.
        return offsets.commit(data.groupId(), data.generationIdOrMemberEpoch(), data.memberId(),
                data.groupInstanceId(), valid).thenApply(result -> {
                    for (TopicPartition tp : valid.keySet()) {
                        results.put(tp, result.groupError() != Errors.NONE ? result.groupError()
                                : result.partitions().getOrDefault(tp, Errors.UNKNOWN_SERVER_ERROR));
                    }
                    return response(data, results, ids, byId);
                });
    }

    /** Answers in the request's topic and partition order. */
    private static OffsetCommitResponseData response(OffsetCommitRequestData data, Map<TopicPartition, Errors> results,
                                                     Map<TopicPartition, Uuid> ids, boolean byId) {
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        Map<String, OffsetCommitResponseData.OffsetCommitResponseTopic> topics = new LinkedHashMap<>();
        results.forEach((tp, error) -> {
            String key = byId ? ids.get(tp).toString() : tp.topic();
            topics.computeIfAbsent(key, k -> {
                OffsetCommitResponseData.OffsetCommitResponseTopic t = new OffsetCommitResponseData.OffsetCommitResponseTopic()
                        .setName(tp.topic()).setTopicId(ids.get(tp));
                response.topics().add(t);
                return t;
            }).partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                    .setPartitionIndex(tp.partition()).setErrorCode(error.code()));
        });
        return response;
    }
}
