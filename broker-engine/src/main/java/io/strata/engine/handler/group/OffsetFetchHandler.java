package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.CommittedOffset;
import io.strata.engine.group.GroupOffsets;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import org.apache.kafka.common.TopicPartition;
import io.strata.engine.coordinator.CoordinatorErrors;
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
 * OffsetFetch v1-10, for one group (v1-7) or a batch (v8+), for given partitions or, with null topics, all of a
 * group's offsets. A partition without a committed offset reports offset -1. Transactional offsets waiting for
 * their transaction's marker are never returned; with {@code require_stable} (v7+) a partition that has some
 * answers UNSTABLE_OFFSET_COMMIT (offset -1), which clients retry until the transaction ends, and without it the
 * last committed offset.
 */
public final class OffsetFetchHandler extends TypedApiHandler<OffsetFetchRequest> {
    private final GroupOffsets offsets;
    private final MetadataCache metadata;

    public OffsetFetchHandler(GroupOffsets offsets, MetadataCache metadata) {
        super(ApiKeys.OFFSET_FETCH, OffsetFetchRequest.class, 1, 10);
        this.offsets = offsets;
        this.metadata = metadata;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, OffsetFetchRequest request) {
        short version = context.apiVersion();
        boolean byId = OffsetFetchRequest.useTopicIds(version);
        boolean requireStable = version >= 7 && request.data().requireStable();
        List<CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup>> fetched = new ArrayList<>();
        for (OffsetFetchRequestData.OffsetFetchRequestGroup g : request.groups()) {
            fetched.add(fetchGroup(g, byId, requireStable));
        }
        return CompletableFuture.allOf(fetched.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
            List<OffsetFetchResponseData.OffsetFetchResponseGroup> groups =
                    fetched.stream().map(CompletableFuture::join).toList();
            OffsetFetchResponseData response = new OffsetFetchResponseData();
            if (version >= OffsetFetchRequest.BATCH_MIN_VERSION) {
                return response.setGroups(new ArrayList<>(groups));
            }
            return flatten(groups.get(0), response, version);
        });
    }

    private CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup> fetchGroup(
            OffsetFetchRequestData.OffsetFetchRequestGroup g, boolean byId, boolean requireStable) {
        OffsetFetchResponseData.OffsetFetchResponseGroup out = new OffsetFetchResponseData.OffsetFetchResponseGroup()
                .setGroupId(g.groupId());
        List<TopicPartition> requested = null;
        if (g.topics() != null) {
            requested = new ArrayList<>();
            for (OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
                String name = topicName(t, byId);
                if (name != null) {
                    for (int partition : t.partitionIndexes()) {
                        requested.add(new TopicPartition(name, partition));
                    }
                }
            }
        }
        return offsets.fetch(g.groupId(), requested, requireStable).handle((found, failure) -> failure != null
                ? out.setErrorCode(CoordinatorErrors.errorOf(failure).code()) : fill(out, g, found, byId));
    }

    private OffsetFetchResponseData.OffsetFetchResponseGroup fill(OffsetFetchResponseData.OffsetFetchResponseGroup out,
                                                                  OffsetFetchRequestData.OffsetFetchRequestGroup g,
                                                                  GroupOffsets.Fetched fetched,
                                                                  boolean byId) {
        Map<TopicPartition, CommittedOffset> found = fetched.offsets();
        if (g.topics() == null) {
            Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
            found.forEach((tp, offset) -> byTopic.computeIfAbsent(tp.topic(), name -> {
                OffsetFetchResponseData.OffsetFetchResponseTopics t = new OffsetFetchResponseData.OffsetFetchResponseTopics()
                        .setName(name).setTopicId(metadata.topicId(name));
                out.topics().add(t);
                return t;
            }).partitions().add(partition(tp.partition(), offset, fetched.unstable().contains(tp)
                    ? Errors.UNSTABLE_OFFSET_COMMIT : Errors.NONE)));
        } else {
            // Requested partitions answer in request order; those of unknown topic ids with UNKNOWN_TOPIC_ID.
            for (OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
                String name = topicName(t, byId);
                OffsetFetchResponseData.OffsetFetchResponseTopics topic = new OffsetFetchResponseData.OffsetFetchResponseTopics()
                        .setName(name == null ? t.name() : name).setTopicId(t.topicId());
                for (int p : t.partitionIndexes()) {
                    TopicPartition tp = new TopicPartition(name == null ? t.name() : name, p);
                    Errors error = name == null ? Errors.UNKNOWN_TOPIC_ID
                            : fetched.unstable().contains(tp) ? Errors.UNSTABLE_OFFSET_COMMIT : Errors.NONE;
                    topic.partitions().add(partition(p, found.get(tp), error));
                }
                out.topics().add(topic);
            }
        }
        return out.setErrorCode(Errors.NONE.code());
    }

    /** The topic a request names (v8-9) or identifies (v10+); null for an unknown topic id. */
    private String topicName(OffsetFetchRequestData.OffsetFetchRequestTopics t, boolean byId) {
        return byId ? metadata.topicName(t.topicId()) : t.name();
    }

    /** A partition without a committed offset (or an unstable one) reports offset -1 and empty metadata. */
    private static OffsetFetchResponseData.OffsetFetchResponsePartitions partition(int index, CommittedOffset offset,
                                                                                  Errors error) {
        CommittedOffset shown = error == Errors.NONE ? offset : null;
        return new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                .setPartitionIndex(index)
                .setCommittedOffset(shown == null ? -1 : shown.offset())
                .setCommittedLeaderEpoch(shown == null ? -1 : shown.leaderEpoch())
                .setMetadata(shown == null ? "" : shown.metadata())
                .setErrorCode(error.code());
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
