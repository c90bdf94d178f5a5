package io.strata.platform.metadata;

import io.strata.engine.metadata.BrokerConfigs;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.ControllerLease;
import io.strata.engine.metadata.FinalizedFeatures;
import io.strata.engine.metadata.MetadataDelta;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * {@link MetadataStore} in plain SQL (JDBC) over the Flyway schema: H2 embedded by default, PostgreSQL for clusters.
 *
 * <p>Each call is one database transaction in {@link MetadataTransactions}. This class checks input
 * sizes, translates a unique-name violation (a broker on another node creating the same topic at once) into
 * {@link TopicExistsException}, and after each committed write forces it to disk where the database does not
 * ({@link EmbeddedDatabaseSync}). Heartbeats use a connection of their own. Thread-safe: it holds no state
 * besides the cluster id, read once.
 */
@Component
public class JdbcMetadataStore implements MetadataStore {
    private final MetadataTransactions transactions;
    private final EmbeddedDatabaseSync sync;
    private final BrokerHeartbeatConnection heartbeats;
    private final MetadataDatabase database;
    private final long sessionTimeoutMs;
    private volatile String clusterId;

    /** @param sessionTimeout how long after its last heartbeat a broker is live ({@code strata.broker.session-timeout}) */
    public JdbcMetadataStore(MetadataTransactions transactions, EmbeddedDatabaseSync sync,
                            BrokerHeartbeatConnection heartbeats, MetadataDatabase database,
                            @Value("${strata.broker.session-timeout:9s}") Duration sessionTimeout) {
        this.transactions = transactions;
        this.sync = sync;
        this.heartbeats = heartbeats;
        this.database = database;
        this.sessionTimeoutMs = sessionTimeout.toMillis();
    }

    @Override
    public String clusterId() {
        String id = clusterId;
        if (id == null) {
            id = transactions.loadOrClaimClusterId(Uuid.randomUuid().toString());
            sync.afterWrite();
            clusterId = id;
        }
        return id;
    }

    /** Incremented by every metadata change; each changed row carries the version of its change. */
    public long metadataVersion() {
        return transactions.metadataVersion();
    }

    @Override
    public BrokerRegistration registerBroker(BrokerRegistration broker) {
        MetadataLimits.checkBroker(broker);
        BrokerRegistration registered = transactions.registerBroker(broker);
        sync.afterWrite();
        return registered;
    }

    /** On the broker's own connection, not the pool's (see {@link BrokerHeartbeatConnection}); not forced to disk. */
    @Override
    public void heartbeat(int brokerId, long brokerEpoch) {
        heartbeats.heartbeat(brokerId, brokerEpoch);
    }

    @Override
    public void requestControlledShutdown(int brokerId, long brokerEpoch) {
        transactions.requestControlledShutdown(brokerId, brokerEpoch);
        sync.afterWrite();
    }

    @Override
    public List<BrokerRegistration> brokers() {
        return transactions.brokers(sessionTimeoutMs);
    }

    @Override
    public MetadataDelta changesSince(long version) {
        return transactions.changesSince(version, sessionTimeoutMs);
    }

    /**
     * Refuses a broker id other than the one already registered when the metadata lives in the embedded
     * H2 database: H2 is a one-broker cluster (its file is opened by one process), and PostgreSQL is the
     * store for more. Called by the platform before the broker starts; a no-op on PostgreSQL.
     *
     * @throws IllegalStateException naming the registered broker and what to do instead
     */
    public void checkBrokerAllowed(int brokerId) {
        if (!database.isH2()) {
            return;
        }
        List<Integer> others = transactions.otherBrokerIds(brokerId);
        if (!others.isEmpty()) {
            throw new IllegalStateException("Broker " + brokerId + " cannot join: the embedded H2 metadata database"
                    + " is a one-broker cluster and broker " + others.get(0) + " is already registered in it."
                    + " Use strata.broker.id=" + others.get(0) + " with this data dir, or point every broker at one"
                    + " PostgreSQL database (spring.datasource.url=jdbc:postgresql://...) to run a cluster.");
        }
    }

    @Override
    public List<TopicMetadata> topics() {
        return transactions.topics();
    }

    @Override
    public Optional<TopicMetadata> topic(String name) {
        return transactions.topic(name);
    }

    @Override
    public Optional<TopicMetadata> topic(Uuid id) {
        return transactions.topic(id);
    }

    @Override
    public TopicMetadata createTopic(String name, Map<String, String> configs, List<PartitionMetadata> partitions) {
        MetadataLimits.checkTopicName(name);
        MetadataLimits.checkConfigs(configs);
        MetadataLimits.checkPartitions(partitions);
        TopicMetadata topic;
        try {
            topic = transactions.createTopic(name, configs, partitions);
        } catch (DataIntegrityViolationException e) {
            if (transactions.topicExists(name)) {
                throw new TopicExistsException("Topic '" + name + "' already exists.");
            }
            throw e;
        }
        sync.afterWrite();
        return topic;
    }

    @Override
    public void deleteTopic(Uuid id) {
        if (transactions.deleteTopic(id)) {
            sync.afterWrite();
        }
    }

    @Override
    public TopicMetadata addPartitions(Uuid id, List<PartitionMetadata> newPartitions) {
        MetadataLimits.checkPartitions(newPartitions);
        TopicMetadata topic = transactions.addPartitions(id, newPartitions);
        sync.afterWrite();
        return topic;
    }

    @Override
    public TopicMetadata replaceTopicConfigs(Uuid id, Map<String, String> configs) {
        MetadataLimits.checkConfigs(configs);
        TopicMetadata topic = transactions.replaceTopicConfigs(id, configs);
        sync.afterWrite();
        return topic;
    }

    @Override
    public BrokerConfigs brokerConfigs() {
        return transactions.brokerConfigs();
    }

    @Override
    public BrokerConfigs replaceBrokerConfigs(OptionalInt brokerId, Map<String, String> configs) {
        if (brokerId.isPresent() && brokerId.getAsInt() < 0) {
            throw new IllegalArgumentException("Broker ids are never negative, got " + brokerId.getAsInt());
        }
        MetadataLimits.checkConfigs(configs);
        BrokerConfigs stored = transactions.replaceBrokerConfigs(brokerId, configs);
        sync.afterWrite();
        return stored;
    }

    @Override
    public FinalizedFeatures finalizedFeatures() {
        return transactions.finalizedFeatures();
    }

    @Override
    public FinalizedFeatures updateFeatures(Map<String, Short> levels) {
        return writeFeatures(levels, false);
    }

    @Override
    public FinalizedFeatures bootstrapFeatures(Map<String, Short> defaults) {
        return writeFeatures(defaults, true);
    }

    private FinalizedFeatures writeFeatures(Map<String, Short> levels, boolean onlyIfNoneFinalized) {
        MetadataLimits.checkFeatures(levels);
        FinalizedFeatures features = transactions.updateFeatures(levels, onlyIfNoneFinalized);
        sync.afterWrite();
        return features;
    }

    @Override
    public Optional<PartitionMetadata> compareAndSetPartition(Uuid topicId, int expectedPartitionEpoch,
                                                              PartitionMetadata next) {
        MetadataLimits.checkPartitions(List.of(next));
        Optional<PartitionMetadata> stored = transactions.compareAndSetPartition(topicId, expectedPartitionEpoch, next);
        stored.ifPresent(p -> sync.afterWrite());
        return stored;
    }

    @Override
    public long allocateProducerIds(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("Producer id block size must be positive, got " + count);
        }
        long first = transactions.allocateProducerIds(count);
        sync.afterWrite();
        return first;
    }

    /** The lease lasts the session timeout; taken under the lease row's lock in one pooled transaction. */
    @Override
    public Optional<ControllerLease> tryAcquireController(int brokerId, long brokerEpoch) {
        Optional<ControllerLease> lease = transactions.tryAcquireController(brokerId, brokerEpoch, sessionTimeoutMs);
        lease.ifPresent(l -> sync.afterWrite());
        return lease;
    }

    /** On the heartbeat's own connection, like the heartbeat itself; not forced to disk. */
    @Override
    public Optional<ControllerLease> renewController(int brokerId, long controllerEpoch) {
        return heartbeats.renewController(brokerId, controllerEpoch, sessionTimeoutMs)
                ? Optional.of(new ControllerLease(brokerId, controllerEpoch, sessionTimeoutMs))
                : Optional.empty();
    }

    @Override
    public void releaseController(int brokerId, long controllerEpoch) {
        if (transactions.releaseController(brokerId, controllerEpoch)) {
            sync.afterWrite();
        }
    }

    @Override
    public Optional<ControllerLease> controller() {
        return transactions.controller();
    }

    @Override
    public <T> T asController(long controllerEpoch, Supplier<T> write) {
        T result = transactions.asController(controllerEpoch, write);
        sync.afterWrite();
        return result;
    }
}
