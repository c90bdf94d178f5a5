package io.strata.engine.metadata;

import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The broker's in-memory view of cluster metadata, read on every Metadata/Produce/Fetch request.
 * It is an immutable snapshot swapped atomically by {@link #refresh()}, which the broker calls after
 * every change it makes through the {@link MetadataStore}; readers never lock.
 */
public final class MetadataCache {
    private final MetadataStore store;
    private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of(), Map.of());

    public MetadataCache(MetadataStore store) {
        this.store = store;
    }

    /** Reloads brokers and topics from the store. Serialized so snapshots never go back in time. */
    public synchronized void refresh() {
        List<BrokerRegistration> brokers = store.brokers().stream()
                .sorted(Comparator.comparingInt(BrokerRegistration::brokerId)).toList();
        Map<String, TopicMetadata> byName = new HashMap<>();
        Map<Uuid, TopicMetadata> byId = new HashMap<>();
        for (TopicMetadata topic : store.topics()) {
            byName.put(topic.name(), topic);
            byId.put(topic.id(), topic);
        }
        snapshot = new Snapshot(brokers, Map.copyOf(byName), Map.copyOf(byId));
    }

    public List<BrokerRegistration> brokers() {
        return snapshot.brokers;
    }

    public Optional<BrokerRegistration> broker(int id) {
        return snapshot.brokers.stream().filter(b -> b.brokerId() == id).findFirst();
    }

    public Optional<TopicMetadata> topic(String name) {
        return Optional.ofNullable(snapshot.byName.get(name));
    }

    public Optional<TopicMetadata> topic(Uuid id) {
        return Optional.ofNullable(snapshot.byId.get(id));
    }

    /** Topic name for an id, or null when unknown (Fetch/Produce by topic id). */
    public String topicName(Uuid id) {
        TopicMetadata topic = snapshot.byId.get(id);
        return topic == null ? null : topic.name();
    }

    /** Topic id for a name, or {@link Uuid#ZERO_UUID} when unknown. */
    public Uuid topicId(String name) {
        TopicMetadata topic = snapshot.byName.get(name);
        return topic == null ? Uuid.ZERO_UUID : topic.id();
    }

    /** Why this broker hosts no replica of {@code tp}: another broker leads it, or it does not exist. */
    public Errors missingPartitionError(TopicPartition tp) {
        return snapshot.byName.containsKey(tp.topic()) ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    public List<TopicMetadata> topics() {
        return snapshot.byName.values().stream().sorted(Comparator.comparing(TopicMetadata::name)).toList();
    }

    private record Snapshot(List<BrokerRegistration> brokers, Map<String, TopicMetadata> byName,
                            Map<Uuid, TopicMetadata> byId) {
    }
}
