package io.strata.engine.metadata;

import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable cluster metadata. The engine only talks to this interface; platform-app implements it over
 * JPA (H2 embedded, PostgreSQL for clusters). Implementations must be thread-safe and every mutating
 * call must be durable when it returns.
 */
public interface MetadataStore {

    /** The cluster id, created on first use and stable forever after. */
    String clusterId();

    /**
     * Inserts or refreshes a broker's registration (host/port may change across restarts) and gives it a
     * new broker epoch, higher than every epoch handed out before; the registration also counts as a
     * heartbeat. Returns the stored registration with that epoch.
     */
    BrokerRegistration registerBroker(BrokerRegistration broker);

    /**
     * Renews the broker's lease, timestamped by the store's clock.
     *
     * @throws org.apache.kafka.common.errors.StaleBrokerEpochException if {@code brokerEpoch} is not the
     *         epoch of the broker's current registration (a newer incarnation registered, or none did)
     */
    void heartbeat(int brokerId, long brokerEpoch);

    /** Every registered broker by id, each with its epoch and whether it is live now. */
    List<BrokerRegistration> brokers();

    /**
     * The rows changed or deleted after {@code version} (0: everything), plus the current liveness.
     * Applying every delta in order, each from the previous one's version, reproduces the store's state:
     * no committed change is ever left out.
     */
    MetadataDelta changesSince(long version);

    List<TopicMetadata> topics();

    Optional<TopicMetadata> topic(String name);

    Optional<TopicMetadata> topic(Uuid id);

    /**
     * Creates a topic with a fresh id.
     *
     * @throws org.apache.kafka.common.errors.TopicExistsException if the name is taken
     */
    TopicMetadata createTopic(String name, Map<String, String> configs, List<PartitionMetadata> partitions);

    /** Deletes a topic and its partitions and configs; a missing id is a no-op. */
    void deleteTopic(Uuid id);

    /** Appends partitions (their indexes continue the existing ones) and returns the updated topic. */
    TopicMetadata addPartitions(Uuid id, List<PartitionMetadata> newPartitions);

    /** Replaces the topic's config overrides wholesale and returns the updated topic. */
    TopicMetadata replaceTopicConfigs(Uuid id, Map<String, String> configs);

    /**
     * Reserves {@code count} consecutive producer ids and returns the first. Blocks never overlap,
     * across restarts and brokers.
     */
    long allocateProducerIds(int count);
}
