package io.strata.engine.topic;

import io.strata.engine.config.BrokerConfig;
import io.strata.engine.config.BrokerLogDefaults;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.config.TopicConfigs;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.metrics.BrokerMetrics;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Creates, grows and deletes topics: validates the request, writes the metadata store, then catches the
 * cache up with the store and opens or removes the local logs of what changed. {@link #catchUp()} is also
 * how changes made through other brokers arrive (the metadata poller calls it), so a topic is applied the
 * same way wherever it was created. Mutations are serialized on this object so two creates of one name
 * cannot both pass validation on this broker (the store's unique name decides across brokers), and so
 * deltas reach the replica manager in version order. A change of the dynamic broker configs updates the
 * {@link BrokerLogDefaults} and, when this broker's effective defaults moved, recomputes every hosted log's config.
 */
public final class TopicService {
    private final BrokerConfig config;
    private final MetadataStore store;
    private final MetadataCache cache;
    private final ReplicaManager replicaManager;
    private final BrokerMetrics metrics;
    private final BrokerLogDefaults logDefaults;
    /** Told the name of every deleted topic, after its logs are gone (e.g. the group coordinator drops its offsets). */
    private final List<java.util.function.Consumer<String>> deletionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public TopicService(BrokerConfig config, MetadataStore store, MetadataCache cache, ReplicaManager replicaManager,
                        BrokerMetrics metrics, BrokerLogDefaults logDefaults) {
        this.config = config;
        this.logDefaults = logDefaults;
        this.store = store;
        this.cache = cache;
        this.replicaManager = replicaManager;
        this.metrics = metrics;
    }

    /**
     * Creates a topic. numPartitions / replicationFactor of -1 take the broker defaults; explicit
     * assignments (partition -> broker ids) override both.
     */
    public synchronized TopicMetadata create(String name, int numPartitions, short replicationFactor,
                                             Map<Integer, List<Integer>> assignments, Map<String, String> configs,
                                             boolean validateOnly) {
        Topic.validate(name);
        catchUp(); // validate against the store's current topics and live brokers, not a stale view
        for (TopicMetadata existing : cache.topics()) {
            if (existing.name().equals(name)) {
                throw new TopicExistsException("Topic '" + name + "' already exists.");
            }
            if (Topic.hasCollision(existing.name(), name)) {
                throw new InvalidTopicException("Topic '" + name + "' collides with existing topic '"
                        + existing.name() + "': '.' and '_' are interchangeable in metric names.");
            }
        }
        TopicConfigs.validate(configs);
        List<PartitionMetadata> partitions = assignments.isEmpty()
                ? assign(0, numPartitions < 0 ? config.defaultNumPartitions() : numPartitions,
                replicationFactor < 0 ? config.defaultReplicationFactor() : replicationFactor)
                : explicit(assignments, 0);
        if (validateOnly) {
            return new TopicMetadata(org.apache.kafka.common.Uuid.ZERO_UUID, name, configs, partitions);
        }
        TopicMetadata topic = store.createTopic(name, configs, partitions);
        catchUp();
        return topic;
    }

    /** Creates a topic with the broker defaults if it doesn't exist (Metadata auto-creation). */
    public synchronized TopicMetadata createIfAbsent(String name) {
        try {
            return cache.topic(name).orElseGet(() -> create(name, -1, (short) -1, Map.of(), Map.of(), false));
        } catch (TopicExistsException e) {
            return cache.topic(name).orElseThrow(() -> e); // another broker created it first
        }
    }

    /** Grows a topic to {@code totalCount} partitions. */
    public synchronized TopicMetadata createPartitions(String name, int totalCount, List<List<Integer>> assignments,
                                                       boolean validateOnly) {
        catchUp();
        TopicMetadata topic = cache.topic(name).orElseThrow(() ->
                new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
        int current = topic.partitions().size();
        if (totalCount <= current) {
            throw new InvalidPartitionsException("Topic currently has " + current + " partitions, "
                    + totalCount + " would not be an increase.");
        }
        List<PartitionMetadata> added;
        if (assignments == null || assignments.isEmpty()) {
            added = assign(current, totalCount - current, (short) topic.partitions().get(0).replicas().size());
        } else {
            if (assignments.size() != totalCount - current) {
                throw new InvalidReplicaAssignmentException("Increasing the number of partitions by "
                        + (totalCount - current) + " but " + assignments.size() + " assignments provided.");
            }
            Map<Integer, List<Integer>> byIndex = new java.util.LinkedHashMap<>();
            for (int i = 0; i < assignments.size(); i++) {
                byIndex.put(current + i, assignments.get(i));
            }
            added = explicit(byIndex, current);
        }
        if (validateOnly) {
            return topic;
        }
        TopicMetadata updated = store.addPartitions(topic.id(), added);
        catchUp();
        return updated;
    }

    /**
     * Replaces a topic's config overrides with what {@code change} makes of the current ones, validated
     * as a whole against the catalogue. Unless {@code validateOnly}, the result is stored and the logs this
     * broker leads use it before this returns, so the next request on them sees it. Reading and writing
     * under this object's lock keeps concurrent alters on this broker from losing each other's updates.
     *
     * @return the topic with the new overrides (not stored when {@code validateOnly})
     */
    public synchronized TopicMetadata alterConfigs(String name, UnaryOperator<Map<String, String>> change,
                                                   boolean validateOnly) {
        catchUp(); // start from the store's current overrides, whichever broker set them
        TopicMetadata topic = cache.topic(name).orElseThrow(() ->
                new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
        Map<String, String> overrides = change.apply(topic.configs());
        TopicConfigs.validate(overrides);
        if (validateOnly || overrides.equals(topic.configs())) {
            return new TopicMetadata(topic.id(), topic.name(), overrides, topic.partitions());
        }
        TopicMetadata updated = store.replaceTopicConfigs(topic.id(), overrides);
        catchUp();
        return updated;
    }

    public synchronized void delete(TopicMetadata topic) {
        store.deleteTopic(topic.id());
        catchUp();
    }

    /**
     * Applies what changed in the store since the cache's version: removes the local logs of deleted
     * topics (telling the deletion listeners), then opens or reconfigures the logs of created and changed
     * ones, exactly as a change made through this broker; when the dynamic broker configs changed this broker's
     * effective defaults, every other hosted log's config is recomputed too. Called after every local change and by
     * the metadata poller.
     */
    public synchronized void catchUp() {
        MetadataCache.Changes changes = cache.catchUp();
        // Compared with the cache's snapshot rather than taken from the delta, so a catch-up made elsewhere (start-up)
        // can never leave a change of the dynamic broker configs unapplied.
        boolean defaultsChanged = !cache.brokerConfigs().equals(logDefaults.dynamic())
                && logDefaults.update(cache.brokerConfigs());
        for (TopicMetadata deleted : changes.deletedTopics()) {
            replicaManager.removeTopic(deleted.name());
            metrics.removeTopic(deleted.name());
            for (java.util.function.Consumer<String> listener : deletionListeners) {
                listener.accept(deleted.name());
            }
        }
        Set<String> applied = new HashSet<>();
        for (TopicMetadata changed : changes.changedTopics()) {
            replicaManager.applyTopic(changed);
            applied.add(changed.name());
        }
        if (defaultsChanged) {
            for (TopicMetadata topic : cache.topics()) {
                if (!applied.contains(topic.name())) {
                    replicaManager.updateLogConfigs(topic);
                }
            }
        }
    }

    public void onTopicDeleted(java.util.function.Consumer<String> listener) {
        deletionListeners.add(listener);
    }

    /** Opens the logs of every topic in the store; called once at start-up, after registering. */
    public synchronized void loadAll() {
        catchUp();
        for (TopicMetadata topic : cache.topics()) {
            replicaManager.applyTopic(topic); // also those the cache already held before registration
        }
    }

    private List<PartitionMetadata> assign(int firstIndex, int count, short replicationFactor) {
        if (count <= 0) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        if (replicationFactor <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        List<BrokerRegistration> live = cache.brokers();
        if (replicationFactor > live.size()) {
            throw new InvalidReplicationFactorException("Replication factor: " + replicationFactor
                    + " larger than available brokers: " + live.size() + " (live brokers: "
                    + live.stream().map(BrokerRegistration::brokerId).toList()
                    + "; a broker is live while it heartbeats within broker.session.timeout.ms).");
        }
        List<List<Integer>> placed = ReplicaPlacement.place(live, firstIndex, count, replicationFactor,
                java.util.concurrent.ThreadLocalRandom.current().nextInt());
        List<PartitionMetadata> partitions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<Integer> replicas = placed.get(i);
            partitions.add(new PartitionMetadata(firstIndex + i, replicas.get(0), 0, replicas, replicas, 0));
        }
        return partitions;
    }

    private List<PartitionMetadata> explicit(Map<Integer, List<Integer>> assignments, int firstIndex) {
        Set<Integer> known = new HashSet<>(cache.registeredBrokers().stream().map(BrokerRegistration::brokerId).toList());
        List<PartitionMetadata> partitions = new ArrayList<>();
        for (int i = 0; i < assignments.size(); i++) {
            List<Integer> replicas = assignments.get(firstIndex + i);
            if (replicas == null) {
                throw new InvalidReplicaAssignmentException("Partitions must be numbered consecutively from "
                        + firstIndex + "; partition " + (firstIndex + i) + " has no assignment.");
            }
            if (replicas.isEmpty() || new HashSet<>(replicas).size() != replicas.size()
                    || !known.containsAll(replicas)) {
                throw new InvalidReplicaAssignmentException("Invalid replica assignment " + replicas
                        + " for partition " + (firstIndex + i) + ": brokers must be distinct and registered.");
            }
            partitions.add(new PartitionMetadata(firstIndex + i, replicas.get(0), 0, replicas, replicas, 0));
        }
        return partitions;
    }
}
