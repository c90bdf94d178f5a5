package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.topic.TopicService;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** DeleteTopics v1-6, by name (all versions) or by topic id (v6). */
public final class DeleteTopicsHandler extends TypedApiHandler<DeleteTopicsRequest> {
    private final MetadataCache metadata;
    private final TopicService topics;

    public DeleteTopicsHandler(MetadataCache metadata, TopicService topics) {
        super(ApiKeys.DELETE_TOPICS, DeleteTopicsRequest.class, 1, 6);
        this.metadata = metadata;
        this.topics = topics;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, DeleteTopicsRequest request) {
        DeleteTopicsRequestData data = request.data();
        List<DeleteTopicsRequestData.DeleteTopicState> targets = new ArrayList<>(data.topics());
        for (String name : data.topicNames()) {
            targets.add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
        }
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        for (DeleteTopicsRequestData.DeleteTopicState target : targets) {
            boolean byId = target.topicId() != null && !Uuid.ZERO_UUID.equals(target.topicId());
            Optional<TopicMetadata> topic = byId ? metadata.topic(target.topicId()) : metadata.topic(target.name());
            DeleteTopicsResponseData.DeletableTopicResult result = new DeleteTopicsResponseData.DeletableTopicResult()
                    .setName(topic.map(TopicMetadata::name).orElse(target.name()))
                    .setTopicId(topic.map(TopicMetadata::id).orElse(byId ? target.topicId() : Uuid.ZERO_UUID));
            if (topic.isEmpty()) {
                Errors error = byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                result.setErrorCode(error.code()).setErrorMessage(error.message());
            } else {
                topics.delete(topic.get());
                result.setErrorCode(Errors.NONE.code());
            }
            response.responses().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }
}
