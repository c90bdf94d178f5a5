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

    /** Inserts or refreshes a broker's registration (host/port may change across restarts). */
    void registerBroker(BrokerRegistration broker);

    List<BrokerRegistration> brokers();

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
