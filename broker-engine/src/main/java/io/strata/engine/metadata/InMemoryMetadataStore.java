package io.strata.engine.metadata;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A non-durable {@link MetadataStore} for engine tests and embedding without a database.
 * Topics are kept in a concurrent map; compound updates synchronize on this.
 */
public final class InMemoryMetadataStore implements MetadataStore {
    private final String clusterId = Uuid.randomUuid().toString();
    private final Map<Integer, BrokerRegistration> brokers = new ConcurrentHashMap<>();
    private final Map<String, TopicMetadata> topicsByName = new ConcurrentHashMap<>();
    private final AtomicLong nextProducerId = new AtomicLong();

    @Override
    public String clusterId() {
        return clusterId;
    }

    @Override
    public void registerBroker(BrokerRegistration broker) {
        brokers.put(broker.brokerId(), broker);
    }

    @Override
    public List<BrokerRegistration> brokers() {
        return List.copyOf(brokers.values());
    }

    @Override
    public List<TopicMetadata> topics() {
        return List.copyOf(topicsByName.values());
    }

    @Override
    public Optional<TopicMetadata> topic(String name) {
        return Optional.ofNullable(topicsByName.get(name));
    }

    @Override
    public Optional<TopicMetadata> topic(Uuid id) {
        return topicsByName.values().stream().filter(t -> t.id().equals(id)).findFirst();
    }

    @Override
    public synchronized TopicMetadata createTopic(String name, Map<String, String> configs,
                                                  List<PartitionMetadata> partitions) {
        if (topicsByName.containsKey(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        TopicMetadata topic = new TopicMetadata(Uuid.randomUuid(), name, configs, partitions);
        topicsByName.put(name, topic);
        return topic;
    }

    @Override
    public synchronized void deleteTopic(Uuid id) {
        topic(id).ifPresent(t -> topicsByName.remove(t.name()));
    }

    @Override
    public synchronized TopicMetadata addPartitions(Uuid id, List<PartitionMetadata> newPartitions) {
        TopicMetadata current = topic(id).orElseThrow();
        List<PartitionMetadata> all = new ArrayList<>(current.partitions());
        all.addAll(newPartitions);
        TopicMetadata updated = new TopicMetadata(id, current.name(), current.configs(), all);
        topicsByName.put(updated.name(), updated);
        return updated;
    }

    @Override
    public synchronized TopicMetadata replaceTopicConfigs(Uuid id, Map<String, String> configs) {
        TopicMetadata current = topic(id).orElseThrow();
        TopicMetadata updated = new TopicMetadata(id, current.name(), configs, current.partitions());
        topicsByName.put(updated.name(), updated);
        return updated;
    }

    @Override
    public long allocateProducerIds(int count) {
        return nextProducerId.getAndAdd(count);
    }
}
