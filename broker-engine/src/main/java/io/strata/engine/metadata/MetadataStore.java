package io.strata.engine.metadata;

import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Durable cluster metadata. The engine only talks to this interface; platform-app implements it in
 * plain JDBC (H2 embedded, PostgreSQL for clusters). Implementations must be thread-safe and every mutating
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

    /**
     * Announces that the broker's current registration is shutting down gracefully (controlled shutdown): the
     * registration is marked {@link BrokerRegistration#shuttingDown()} under a new metadata version, so every
     * broker's poller and the controller see it. The controller then moves the broker's leaderships to other
     * in-sync replicas and takes it out of ISRs that have another member; it stays live (it keeps heartbeating
     * until it stops) but is no leader candidate, and leaders do not add it to an ISR. A second call for the same
     * registration changes nothing; the broker's next {@link #registerBroker} clears the mark.
     *
     * @throws org.apache.kafka.common.errors.StaleBrokerEpochException if {@code brokerEpoch} is not the epoch of
     *         the broker's current registration
     */
    void requestControlledShutdown(int brokerId, long brokerEpoch);

    /** Every registered broker by id, each with its epoch, whether it is live now and whether it is shutting down. */
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

    /** The dynamic broker configs: the cluster-wide default and every broker's own, keyed by broker config name. */
    BrokerConfigs brokerConfigs();

    /**
     * Replaces one resource's dynamic broker configs wholesale (an empty map removes them all) under a new metadata
     * version, so {@link #changesSince} reports the change to every broker's poller; durable when it returns. The
     * values are stored as given: validating them is the caller's.
     *
     * @param brokerId the broker whose own configs these are, or empty for the cluster-wide default
     * @return every dynamic broker config after the change
     */
    BrokerConfigs replaceBrokerConfigs(OptionalInt brokerId, Map<String, String> configs);

    /** The finalized features and their epoch ({@link FinalizedFeatures#NONE} while none was ever finalized). */
    FinalizedFeatures finalizedFeatures();

    /**
     * Sets the finalized level of each given feature (0 removes it) under a new metadata version, which becomes
     * the features' epoch; {@link #changesSince} reports the change. Validating the levels is the caller's.
     *
     * @return the finalized features after the change
     */
    FinalizedFeatures updateFeatures(Map<String, Short> levels);

    /**
     * Finalizes {@code defaults} if this cluster never finalized any feature (its first broker's start), like
     * {@link #updateFeatures}; otherwise changes nothing, so a cluster keeps the levels it was set to.
     *
     * @return the finalized features after the call
     */
    FinalizedFeatures bootstrapFeatures(Map<String, Short> defaults);

    /**
     * Replaces one partition's leader, leader epoch, replicas and ISR if its partition epoch is still
     * {@code expectedPartitionEpoch} (Kafka's AlterPartition semantics: two writers can never both win). The
     * stored row gets partition epoch {@code expectedPartitionEpoch + 1} (whatever next.partitionEpoch() says)
     * and a new metadata version, so every broker's poller sees it. Joins an enclosing
     * {@link #asController} transaction when called inside one.
     *
     * @param next the partition to store, identified by {@code next.partition()}
     * @return the stored partition, or empty if its partition epoch moved on or the topic/partition is gone
     *         (then nothing is written)
     */
    Optional<PartitionMetadata> compareAndSetPartition(Uuid topicId, int expectedPartitionEpoch, PartitionMetadata next);

    /**
     * Reserves {@code count} consecutive producer ids and returns the first. Blocks never overlap,
     * across restarts and brokers.
     */
    long allocateProducerIds(int count);

    /**
     * Takes the controller lease for {@code brokerId} if it is free, expired, or held by an earlier
     * incarnation of the same broker id, with the next controller epoch; the lease lasts the broker session
     * timeout, judged by the store's clock. Compare-and-set: of brokers racing for a free lease exactly one
     * wins.
     *
     * @return the new lease, or empty if another broker holds an unexpired lease or {@code brokerEpoch} is not
     *         the broker's current live registration
     */
    Optional<ControllerLease> tryAcquireController(int brokerId, long brokerEpoch);

    /**
     * Extends the holder's lease by the session timeout from now.
     *
     * @return the renewed lease, or empty if the lease now carries another holder or epoch: the caller must
     *         stop acting as controller at once
     */
    Optional<ControllerLease> renewController(int brokerId, long controllerEpoch);

    /**
     * Gives the lease up at once (graceful shutdown), so another broker can take it without waiting for it to
     * expire. Does nothing unless {@code brokerId} still holds it with {@code controllerEpoch}; the next holder
     * gets the next epoch as usual.
     */
    void releaseController(int brokerId, long controllerEpoch);

    /** The current unexpired lease, or empty when no broker holds it. */
    Optional<ControllerLease> controller();

    /**
     * Runs a controller write in one transaction that first locks the lease row and checks it still carries
     * {@code controllerEpoch}; {@code write} calls this store's mutating methods, which join that
     * transaction, so a deposed (paused, partitioned) controller can never commit one.
     *
     * @throws org.apache.kafka.common.errors.NotControllerException if the lease carries another epoch
     *         (nothing is written)
     */
    <T> T asController(long controllerEpoch, Supplier<T> write);
}
