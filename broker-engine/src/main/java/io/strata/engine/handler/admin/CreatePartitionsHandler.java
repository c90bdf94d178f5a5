package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.network.RequestContext;
import io.strata.engine.topic.TopicService;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** CreatePartitions v0-3: grows topics; new partitions' logs are created before the reply. */
public final class CreatePartitionsHandler extends TypedApiHandler<CreatePartitionsRequest> {
    private final TopicService topics;

    public CreatePartitionsHandler(TopicService topics) {
        super(ApiKeys.CREATE_PARTITIONS, CreatePartitionsRequest.class, 0, 3);
        this.topics = topics;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, CreatePartitionsRequest request) {
        CreatePartitionsRequestData data = request.data();
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        for (CreatePartitionsRequestData.CreatePartitionsTopic topic : data.topics()) {
            CreatePartitionsResponseData.CreatePartitionsTopicResult result =
                    new CreatePartitionsResponseData.CreatePartitionsTopicResult().setName(topic.name());
            try {
                List<List<Integer>> assignments = topic.assignments() == null ? List.of()
                        : topic.assignments().stream().map(a -> List.copyOf(a.brokerIds())).toList();
                topics.createPartitions(topic.name(), topic.count(), assignments, data.validateOnly());
                result.setErrorCode(Errors.NONE.code());
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }
}
