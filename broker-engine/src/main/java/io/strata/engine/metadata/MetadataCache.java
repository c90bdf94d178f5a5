package io.strata.engine.metadata;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The broker's in-memory view of cluster metadata, read on every Metadata/Produce/Fetch request.
 * It is an immutable snapshot swapped atomically by {@link #catchUp()}, which reads only what changed in
 * the {@link MetadataStore} since the version the snapshot holds; readers never lock.
 */
public final class MetadataCache {
    private final MetadataStore store;
    private final int localBrokerId;
    private volatile Snapshot snapshot = new Snapshot(0, Map.of(), Map.of(), Map.of(),
            ControllerLease.NO_CONTROLLER, BrokerConfigs.EMPTY, FinalizedFeatures.NONE);

    /** @param localBrokerId this broker, which counts itself live while it serves (fencing is the controller's) */
    public MetadataCache(MetadataStore store, int localBrokerId) {
        this.store = store;
        this.localBrokerId = localBrokerId;
    }

    /**
     * What one {@link #catchUp()} changed: topics created or changed, the topics deleted as they were, and every
     * dynamic broker config when any of them changed (empty otherwise).
     */
    public record Changes(long version, List<TopicMetadata> changedTopics, List<TopicMetadata> deletedTopics,
                          Optional<BrokerConfigs> brokerConfigs) {
        public boolean isEmpty() {
            return changedTopics.isEmpty() && deletedTopics.isEmpty() && brokerConfigs.isEmpty();
        }
    }

    /**
     * Reads the store's changes since the held version and applies them (deletions first, so a topic
     * deleted and re-created under the same name ends up as the new one). Serialized so snapshots never
     * go back in time.
     */
    public synchronized Changes catchUp() {
        Snapshot current = snapshot;
        MetadataDelta delta = store.changesSince(current.version);
        Map<Integer, BrokerRegistration> brokers = new HashMap<>(current.brokers);
        for (BrokerRegistration broker : delta.brokers()) {
            brokers.put(broker.brokerId(), broker);
        }
        brokers.replaceAll((id, b) -> b.withLive(delta.liveBrokerIds().contains(id)));
        Map<String, TopicMetadata> byName = new HashMap<>(current.byName);
        Map<Uuid, TopicMetadata> byId = new HashMap<>(current.byId);
        List<TopicMetadata> deleted = new ArrayList<>();
        for (Uuid id : delta.deletedTopicIds()) {
            TopicMetadata gone = byId.remove(id);
            if (gone != null) {
                byName.remove(gone.name());
                deleted.add(gone);
            }
        }
        for (TopicMetadata topic : delta.topics()) {
            TopicMetadata previous = byName.put(topic.name(), topic);
            if (previous != null && !previous.id().equals(topic.id())) {
                byId.remove(previous.id()); // re-created under a new id, its old deletion not seen: drop the old one
                deleted.add(previous);
            }
            byId.put(topic.id(), topic);
        }
        long version = Math.max(current.version, delta.version());
        snapshot = new Snapshot(version, Map.copyOf(brokers), Map.copyOf(byName), Map.copyOf(byId),
                delta.controllerId(), delta.brokerConfigs().orElse(current.brokerConfigs),
                delta.features().orElse(current.features));
        return new Changes(version, delta.topics(), deleted, delta.brokerConfigs());
    }

    /** The metadata version this snapshot reflects. */
    public long version() {
        return snapshot.version;
    }

    /** Live brokers by id (this broker always counts as live): what Metadata and DescribeCluster list. */
    public List<BrokerRegistration> brokers() {
        return snapshot.brokers.values().stream().filter(b -> b.live() || b.brokerId() == localBrokerId)
                .sorted(Comparator.comparingInt(BrokerRegistration::brokerId)).toList();
    }

    /** Every registered broker, live or not, by id. */
    public List<BrokerRegistration> registeredBrokers() {
        return snapshot.brokers.values().stream()
                .sorted(Comparator.comparingInt(BrokerRegistration::brokerId)).toList();
    }

    /** A registered broker's registration, live or not (where a follower finds its leader). */
    public Optional<BrokerRegistration> registeredBroker(int id) {
        return Optional.ofNullable(snapshot.brokers.get(id));
    }

    /** A live broker's registration (this broker's own, if it is registered). */
    public Optional<BrokerRegistration> broker(int id) {
        return brokers().stream().filter(b -> b.brokerId() == id).findFirst();
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

    /**
     * The controller as of the last catch-up ({@link ControllerLease#NO_CONTROLLER} if no lease was held):
     * what Metadata and DescribeCluster report.
     */
    public int controllerId() {
        return snapshot.controllerId;
    }

    /** The dynamic broker configs as of the last catch-up. */
    public BrokerConfigs brokerConfigs() {
        return snapshot.brokerConfigs;
    }

    /** The finalized features as of the last catch-up: what ApiVersions reports. */
    public FinalizedFeatures finalizedFeatures() {
        return snapshot.features;
    }

    private record Snapshot(long version, Map<Integer, BrokerRegistration> brokers, Map<String, TopicMetadata> byName,
                            Map<Uuid, TopicMetadata> byId, int controllerId, BrokerConfigs brokerConfigs,
                            FinalizedFeatures features) {
    }
}
