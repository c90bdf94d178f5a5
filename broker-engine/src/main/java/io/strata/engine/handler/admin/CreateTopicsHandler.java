package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.network.RequestContext;
import io.strata.engine.config.ConfigDescriber;
import io.strata.engine.topic.TopicService;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** CreateTopics v2-7, per topic: validated and created (or only validated), with its effective configs in the reply. */
public final class CreateTopicsHandler extends TypedApiHandler<CreateTopicsRequest> {
    private final TopicService topics;
    private final ConfigDescriber configs;

    public CreateTopicsHandler(TopicService topics, ConfigDescriber configs) {
        super(ApiKeys.CREATE_TOPICS, CreateTopicsRequest.class, 2, 7);
        this.topics = topics;
        this.configs = configs;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, CreateTopicsRequest request) {
        CreateTopicsRequestData data = request.data();
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreateTopicsRequestData.CreatableTopic topic : data.topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        for (CreateTopicsRequestData.CreatableTopic topic : data.topics()) {
            CreateTopicsResponseData.CreatableTopicResult result = new CreateTopicsResponseData.CreatableTopicResult()
                    .setName(topic.name());
            try {
                if (duplicates.contains(topic.name())) {
                    throw new InvalidRequestException("Topic '" + topic.name() + "' appears more than once in the request.");
                }
                TopicMetadata created = topics.create(topic.name(), topic.numPartitions(), topic.replicationFactor(),
                        assignments(topic), configs(topic), data.validateOnly());
                result.setErrorCode(Errors.NONE.code())
                        .setTopicId(created.id())
                        .setNumPartitions(created.partitions().size())
                        .setReplicationFactor((short) created.partitions().get(0).replicas().size());
                for (ConfigDescriber.DescribedConfig c : configs.topicConfigs(created)) {
                    result.configs().add(new CreateTopicsResponseData.CreatableTopicConfigs()
                            .setName(c.name()).setValue(c.value()).setReadOnly(c.readOnly())
                            .setConfigSource(c.source().id()).setIsSensitive(c.sensitive()));
                }
            } catch (ApiException e) {
                Errors error = Errors.forException(e);
                result.setErrorCode(error.code()).setErrorMessage(e.getMessage())
                        .setNumPartitions(-1).setReplicationFactor((short) -1);
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static Map<Integer, List<Integer>> assignments(CreateTopicsRequestData.CreatableTopic topic) {
        if (topic.assignments().isEmpty()) {
            return Map.of();
        }
        if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
            throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments were set."
                    + " Both cannot be used at the same time.");
        }
        Map<Integer, List<Integer>> out = new HashMap<>();
        for (CreateTopicsRequestData.CreatableReplicaAssignment a : topic.assignments()) {
            out.put(a.partitionIndex(), List.copyOf(a.brokerIds()));
        }
        return out;
    }

    private static Map<String, String> configs(CreateTopicsRequestData.CreatableTopic topic) {
        Map<String, String> out = new LinkedHashMap<>();
        for (CreateTopicsRequestData.CreatableTopicConfig c : topic.configs()) {
            if (c.value() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic config '" + c.name() + "'.");
            }
            out.put(c.name(), c.value());
        }
        return out;
    }
}
