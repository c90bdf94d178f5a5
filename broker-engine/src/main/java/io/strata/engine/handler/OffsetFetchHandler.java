package io.strata.engine.handler;

import io.strata.engine.group.CommittedOffset;
import io.strata.engine.group.GroupOffsets;
import io.strata.engine.network.RequestContext;
import io.strata.engine.server.MetadataCache;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetFetch for one group (v1-7) or a batch (v8+), for given partitions or, with null topics, all of a
 * group's offsets. A partition without a committed offset reports offset -1. No transactional offsets
 * are pending on this broker, so require_stable never has to wait.
 */
public final class OffsetFetchHandler extends TypedApiHandler<OffsetFetchRequest> {
    private final GroupOffsets offsets;
    private final MetadataCache metadata;

    public OffsetFetchHandler(GroupOffsets offsets, MetadataCache metadata) {
        super(ApiKeys.OFFSET_FETCH, OffsetFetchRequest.class);
        this.offsets = offsets;
        this.metadata = metadata;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, OffsetFetchRequest request) {
        short version = context.apiVersion();
        boolean byId = OffsetFetchRequest.useTopicIds(version);
        List<OffsetFetchResponseData.OffsetFetchResponseGroup> groups = new ArrayList<>();
        for (OffsetFetchRequestData.OffsetFetchRequestGroup g : request.groups()) {
            groups.add(fetchGroup(g, byId));
        }
        OffsetFetchResponseData response = new OffsetFetchResponseData();
        if (version >= OffsetFetchRequest.BATCH_MIN_VERSION) {
            return CompletableFuture.completedFuture(response.setGroups(groups));
        }
        return CompletableFuture.completedFuture(flatten(groups.get(0), response, version));
    }

    private OffsetFetchResponseData.OffsetFetchResponseGroup fetchGroup(OffsetFetchRequestData.OffsetFetchRequestGroup g,
                                                                        boolean byId) {
        OffsetFetchResponseData.OffsetFetchResponseGroup out = new OffsetFetchResponseData.OffsetFetchResponseGroup()
                .setGroupId(g.groupId());
        List<TopicPartition> requested = null;
        Map<TopicPartition, Uuid> ids = new LinkedHashMap<>();
        if (g.topics() != null) {
            requested = new ArrayList<>();
            for (OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
                String name = byId ? metadata.topicName(t.topicId()) : t.name();
                for (int partition : t.partitionIndexes()) {
                    TopicPartition tp = new TopicPartition(name == null ? "" : name, partition);
                    ids.put(tp, t.topicId());
                    if (name != null) {
                        requested.add(tp);
                    }
                }
            }
        }
        Map<TopicPartition, CommittedOffset> found;
        try {
            found = offsets.fetch(g.groupId(), requested);
        } catch (ApiException e) {
            return out.setErrorCode(Errors.forException(e).code());
        }
        Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> topics = new LinkedHashMap<>();
        // Requested partitions of unknown topic ids answer UNKNOWN_TOPIC_ID; the rest come from the group.
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        if (g.topics() != null) {
            ids.keySet().forEach(tp -> errors.put(tp, tp.topic().isEmpty() ? Errors.UNKNOWN_TOPIC_ID : Errors.NONE));
        } else {
            found.keySet().forEach(tp -> errors.put(tp, Errors.NONE));
        }
        errors.forEach((tp, error) -> {
            Uuid id = ids.getOrDefault(tp, metadata.topicId(tp.topic()));
            String key = byId ? id.toString() : tp.topic();
            CommittedOffset offset = found.get(tp);
            topics.computeIfAbsent(key, k -> {
                OffsetFetchResponseData.OffsetFetchResponseTopics t = new OffsetFetchResponseData.OffsetFetchResponseTopics()
                        .setName(tp.topic()).setTopicId(id);
                out.topics().add(t);
                return t;
            }).partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                    .setPartitionIndex(tp.partition())
                    .setCommittedOffset(offset == null ? -1 : offset.offset())
                    .setCommittedLeaderEpoch(offset == null ? -1 : offset.leaderEpoch())
                    .setMetadata(offset == null ? "" : offset.metadata())
                    .setErrorCode(error.code()));
        });
        return out.setErrorCode(Errors.NONE.code());
    }

    /** v1-7 carry one group's topics at the top level. */
    private static OffsetFetchResponseData flatten(OffsetFetchResponseData.OffsetFetchResponseGroup group,
                                                   OffsetFetchResponseData response, short version) {
        for (OffsetFetchResponseData.OffsetFetchResponseTopics t : group.topics()) {
            OffsetFetchResponseData.OffsetFetchResponseTopic topic = new OffsetFetchResponseData.OffsetFetchResponseTopic()
                    .setName(t.name());
            for (OffsetFetchResponseData.OffsetFetchResponsePartitions p : t.partitions()) {
                topic.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setCommittedOffset(p.committedOffset())
                        .setCommittedLeaderEpoch(p.committedLeaderEpoch()).setMetadata(p.metadata())
                        .setErrorCode(p.errorCode()));
            }
            response.topics().add(topic);
        }
        if (version >= 2) {
            response.setErrorCode(group.errorCode());
        } else if (group.errorCode() != Errors.NONE.code()) {
            response.topics().forEach(t -> t.partitions().forEach(p -> p.setErrorCode(group.errorCode())));
        }
        return response;
    }
}
