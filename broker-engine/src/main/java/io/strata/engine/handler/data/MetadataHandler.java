package io.strata.engine.handler.data;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.topic.TopicService;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Metadata v0-13: brokers, cluster id, and topics with partition leadership. Unknown topics are created on
 * the fly when both the request and the broker allow it, as Kafka does.
 */
public final class MetadataHandler extends TypedApiHandler<MetadataRequest> {
    private final int brokerId;
    private final boolean autoCreateTopics;
    private final String clusterId;
    private final MetadataCache metadata;
    private final TopicService topics;

    public MetadataHandler(int brokerId, boolean autoCreateTopics, String clusterId, MetadataCache metadata,
                           TopicService topics) {
        super(ApiKeys.METADATA, MetadataRequest.class, 0, 13);
        this.brokerId = brokerId;
        this.autoCreateTopics = autoCreateTopics;
        this.clusterId = clusterId;
        this.metadata = metadata;
        this.topics = topics;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, MetadataRequest request) {
        MetadataRequestData data = request.data();
        boolean mayCreate = autoCreateTopics && (context.apiVersion() < 4 || data.allowAutoTopicCreation());
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(clusterId)
                .setControllerId(metadata.controllerId()); // -1 until a controller lease is seen
        for (BrokerRegistration broker : metadata.brokers()) {
            response.brokers().add(new MetadataResponseData.MetadataResponseBroker()
                    .setNodeId(broker.brokerId()).setHost(broker.host()).setPort(broker.port()).setRack(broker.rack()));
        }
        if (data.topics() == null) {
            for (TopicMetadata topic : metadata.topics()) {
                response.topics().add(describe(topic));
            }
        } else {
            for (MetadataRequestData.MetadataRequestTopic requested : data.topics()) {
                response.topics().add(lookup(requested, mayCreate));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private MetadataResponseData.MetadataResponseTopic lookup(MetadataRequestData.MetadataRequestTopic requested,
                                                              boolean mayCreate) {
        if (requested.name() == null) {
            Uuid id = requested.topicId();
            return metadata.topic(id).map(this::describe).orElseGet(() -> new MetadataResponseData.MetadataResponseTopic()
                    .setTopicId(id).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
        }
        String name = requested.name();
        Optional<TopicMetadata> topic = metadata.topic(name);
        if (topic.isPresent()) {
            return describe(topic.get());
        }
        MetadataResponseData.MetadataResponseTopic missing = new MetadataResponseData.MetadataResponseTopic()
                .setName(name).setTopicId(Uuid.ZERO_UUID).setIsInternal(Topic.isInternal(name));
        if (!Topic.isValid(name)) {
            return missing.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
        if (!mayCreate) {
            return missing.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        try {
            return describe(topics.createIfAbsent(name));
        } catch (ApiException e) {
            return missing.setErrorCode(Errors.forException(e).code());
        }
    }

    private MetadataResponseData.MetadataResponseTopic describe(TopicMetadata topic) {
        List<MetadataResponseData.MetadataResponsePartition> partitions = new ArrayList<>();
        for (PartitionMetadata p : topic.partitions()) {
            List<Integer> offline = p.replicas().stream().filter(id -> metadata.broker(id).isEmpty()).toList();
            // As Kafka: no leader, or one whose broker is down (not yet fenced), is LEADER_NOT_AVAILABLE.
            boolean leaderAvailable = p.leader() >= 0 && !offline.contains(p.leader());
            partitions.add(new MetadataResponseData.MetadataResponsePartition()
                    .setErrorCode(leaderAvailable ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                    .setPartitionIndex(p.partition())
                    .setLeaderId(p.leader())
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(p.replicas()))
                    .setIsrNodes(new ArrayList<>(p.isr()))
                    .setOfflineReplicas(new ArrayList<>(offline)));
        }
        return new MetadataResponseData.MetadataResponseTopic()
                .setErrorCode(Errors.NONE.code())
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(Topic.isInternal(topic.name()))
                .setPartitions(partitions);
    }
}
