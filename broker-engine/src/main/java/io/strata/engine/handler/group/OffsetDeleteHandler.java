package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.GroupOffsets;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import org.apache.kafka.common.TopicPartition;
import io.strata.engine.coordinator.CoordinatorErrors;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetDeleteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** OffsetDelete v0 (KIP-496): drops a group's offsets for topics its members do not subscribe to. */
public final class OffsetDeleteHandler extends TypedApiHandler<OffsetDeleteRequest> {
    private final GroupOffsets offsets;
    private final MetadataCache metadata;

    public OffsetDeleteHandler(GroupOffsets offsets, MetadataCache metadata) {
        super(ApiKeys.OFFSET_DELETE, OffsetDeleteRequest.class, 0, 0);
        this.offsets = offsets;
        this.metadata = metadata;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, OffsetDeleteRequest request) {
        OffsetDeleteRequestData data = request.data();
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        List<TopicPartition> known = new ArrayList<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : data.topics()) {
            if (metadata.topic(t.name()).isPresent()) {
                t.partitions().forEach(p -> known.add(new TopicPartition(t.name(), p.partitionIndex())));
            }
        }
        return offsets.deleteOffsets(data.groupId(), known).handle((results, failure) -> failure != null
                ? response.setErrorCode(CoordinatorErrors.errorOf(failure).code()) : respond(data, results, response));
    }

    private static ApiMessage respond(OffsetDeleteRequestData data, Map<TopicPartition, Errors> results,
                                      OffsetDeleteResponseData response) {
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : data.topics()) {
            OffsetDeleteResponseData.OffsetDeleteResponseTopic topic =
                    new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                Errors error = results.getOrDefault(new TopicPartition(t.name(), p.partitionIndex()),
                        Errors.UNKNOWN_TOPIC_OR_PARTITION);
                topic.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
            response.topics().add(topic);
        }
        return response.setErrorCode(Errors.NONE.code());
    }
}
