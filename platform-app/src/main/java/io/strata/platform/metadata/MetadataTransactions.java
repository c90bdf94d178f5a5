package io.strata.platform.metadata;

import io.strata.engine.metadata.BrokerConfigs;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.ControllerLease;
import io.strata.engine.metadata.FinalizedFeatures;
import io.strata.engine.metadata.MetadataDelta;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The database transactions behind {@link JdbcMetadataStore}; each public method is one transaction, in plain
 * SQL over the Flyway schema ({@link MetadataQueries} has the reads).
 *
 * <p>Every metadata change first locks the {@code metadata_version} row and increments it. That lock
 * serializes writers across all brokers sharing the database, so a check such as "does this topic name
 * exist" stays true until the transaction commits. Multi-query reads run at REPEATABLE READ so they see
 * one consistent snapshot (never a topic without its partitions).
 *
 * <p>Each row a change writes carries the version it took from that locked row, and a deletion leaves a
 * tombstone with it, so {@link #changesSince} can return only what changed after a reader's version.
 * Taking the version from the locked row, rather than from a sequence, is what makes that safe: the lock
 * is held until commit, so version N+1 cannot be handed out before N has committed, and versions are
 * assigned in commit order. A reader that sees current version V therefore already sees every row with a
 * version up to V. With a sequence, a transaction could take N, commit after another took and committed
 * N+1, and a reader that had meanwhile moved to N+1 would skip N's rows forever.
 */
@Component
@DependsOnDatabaseInitialization // Flyway first: nothing else orders it before the broker's first query
public class MetadataTransactions {
    private final JdbcTemplate jdbc;
    private final MetadataDatabase database;
    private final MetadataQueries queries;

    public MetadataTransactions(DataSource dataSource, MetadataDatabase database) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.database = database;
        this.queries = new MetadataQueries(jdbc, database);
    }

    /**
     * Returns the stored cluster id, storing {@code candidate} first if there is none. READ COMMITTED
     * so that a broker losing the compare-and-set race reads the winner's committed id.
     */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public String loadOrClaimClusterId(String candidate) {
        Optional<String> existing = queries.clusterId();
        if (existing.isPresent()) {
            return existing.get();
        }
        jdbc.update("UPDATE cluster_info SET cluster_id = ? WHERE id = 1 AND cluster_id IS NULL", candidate);
        return queries.clusterId().orElseThrow(() ->
                new IllegalStateException("No cluster id stored after claiming one: the metadata schema is incomplete."));
    }

    @Transactional(readOnly = true)
    public long metadataVersion() {
        return queries.currentVersion();
    }

    /**
     * Stores the registration under a new epoch, the metadata version this change takes (so epochs
     * strictly increase across every registration of every broker); it also counts as a heartbeat.
     */
    @Transactional
    public BrokerRegistration registerBroker(BrokerRegistration broker) {
        long epoch = queries.incrementVersion();
        String clock = database.clock();
        int updated = jdbc.update("UPDATE brokers SET host = ?, port = ?, rack = ?, broker_epoch = ?, version = ?,"
                + " shutting_down = FALSE, last_heartbeat = " + clock + " WHERE broker_id = ?",
                broker.host(), broker.port(), broker.rack(), epoch, epoch, broker.brokerId());
        if (updated == 0) {
            jdbc.update("INSERT INTO brokers (broker_id, host, port, rack, registered_at, last_heartbeat,"
                    + " broker_epoch, version) VALUES (?, ?, ?, ?, " + clock + ", " + clock + ", ?, ?)",
                    broker.brokerId(), broker.host(), broker.port(), broker.rack(), epoch, epoch);
        }
        return broker.withEpoch(epoch).withLive(true);
    }

    /**
     * Marks the registration {@code brokerEpoch} of the broker as shutting down under a new version (so every
     * poller reads the row again); a registration already marked is left as it is and takes no version.
     *
     * @throws StaleBrokerEpochException if the broker's current registration has another epoch (nothing written)
     */
    @Transactional
    public void requestControlledShutdown(int brokerId, long brokerEpoch) {
        queries.lockVersion();
        List<Boolean> marked = jdbc.queryForList("SELECT shutting_down FROM brokers WHERE broker_id = ?"
                + " AND broker_epoch = ?", Boolean.class, brokerId, brokerEpoch);
        if (marked.isEmpty()) {
            throw new StaleBrokerEpochException("Broker " + brokerId + " requested controlled shutdown with epoch "
                    + brokerEpoch + ", which is not its current registration (a newer one registered, or none did)");
        }
        if (!marked.get(0)) {
            jdbc.update("UPDATE brokers SET shutting_down = TRUE, version = ? WHERE broker_id = ? AND broker_epoch = ?",
                    queries.incrementVersion(), brokerId, brokerEpoch);
        }
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public List<BrokerRegistration> brokers(long sessionTimeoutMs) {
        return queries.brokers(queries.liveBrokerIds(sessionTimeoutMs), "");
    }

    /** Broker ids registered other than {@code brokerId}. */
    @Transactional(readOnly = true)
    public List<Integer> otherBrokerIds(int brokerId) {
        return jdbc.queryForList("SELECT broker_id FROM brokers WHERE broker_id <> ? ORDER BY broker_id",
                Integer.class, brokerId);
    }

    /**
     * The rows with a version above {@code since}, up to the current version read first in this snapshot
     * (a row committed later with a higher version is left to the next call), and the live brokers.
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public MetadataDelta changesSince(long since, long sessionTimeoutMs) {
        long current = queries.currentVersion();
        Set<Integer> live = queries.liveBrokerIds(sessionTimeoutMs);
        int controller = queries.lease(false).unexpiredHolder();
        if (since >= current) {
            return new MetadataDelta(current, List.of(), List.of(), List.of(), live, controller);
        }
        Optional<BrokerConfigs> changedBrokerConfigs = since <= 0 || queries.brokerConfigsChanged(since, current)
                ? Optional.of(queries.brokerConfigs()) : Optional.empty();
        List<BrokerRegistration> changedBrokers = queries.brokers(live, " WHERE version > ? AND version <= ?",
                since, current);
        List<TopicMetadata> changedTopics;
        if (since <= 0) {
            changedTopics = queries.allTopics();
        } else {
            changedTopics = new ArrayList<>();
            for (UUID id : queries.changedTopicIds(since, current)) {
                queries.topic(id).ifPresent(changedTopics::add);
            }
        }
        Optional<FinalizedFeatures> changedFeatures = since <= 0 || queries.featuresChanged(since, current)
                ? Optional.of(queries.features()) : Optional.empty();
        return new MetadataDelta(current, changedBrokers, changedTopics, queries.deletedTopicIds(since, current),
                live, controller, changedBrokerConfigs, changedFeatures);
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public BrokerConfigs brokerConfigs() {
        return queries.brokerConfigs();
    }

    /**
     * Replaces one resource's dynamic broker configs under a new version; the resource's row in
     * {@code broker_config_changes} carries that version even when no config row is left.
     */
    @Transactional
    public BrokerConfigs replaceBrokerConfigs(OptionalInt brokerId, Map<String, String> values) {
        long changed = queries.incrementVersion();
        BrokerConfigs before = queries.brokerConfigs();
        int column = brokerId.orElse(MetadataQueries.CLUSTER_DEFAULT);
        jdbc.update("DELETE FROM broker_configs WHERE broker_id = ?", column);
        jdbc.batchUpdate("INSERT INTO broker_configs (broker_id, config_name, config_value, version) VALUES (?, ?, ?, ?)",
                values.entrySet().stream().map(e -> new Object[]{column, e.getKey(), e.getValue(), changed}).toList());
        if (jdbc.update("UPDATE broker_config_changes SET version = ? WHERE broker_id = ?", changed, column) == 0) {
            jdbc.update("INSERT INTO broker_config_changes (broker_id, version) VALUES (?, ?)", column, changed);
        }
        return before.with(brokerId, values);
    }

    @Transactional(readOnly = true)
    public FinalizedFeatures finalizedFeatures() {
        return queries.features();
    }

    /**
     * Writes each feature's level (0: removed, its row kept with the change's version); with
     * {@code onlyIfNoneFinalized} only when the cluster never finalized a feature, decided under the version lock.
     */
    @Transactional
    public FinalizedFeatures updateFeatures(Map<String, Short> levels, boolean onlyIfNoneFinalized) {
        queries.lockVersion();
        if (onlyIfNoneFinalized && queries.features().epoch() >= 0) {
            return queries.features();
        }
        long changed = queries.incrementVersion();
        for (Map.Entry<String, Short> e : levels.entrySet()) {
            short level = (short) Math.max(0, e.getValue());
            if (jdbc.update("UPDATE finalized_features SET feature_level = ?, version = ? WHERE feature_name = ?",
                    level, changed, e.getKey()) == 0) {
                jdbc.update("INSERT INTO finalized_features (feature_name, feature_level, version) VALUES (?, ?, ?)",
                        e.getKey(), level, changed);
            }
        }
        return queries.features();
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public List<TopicMetadata> topics() {
        return queries.allTopics();
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Optional<TopicMetadata> topic(String name) {
        return queries.topicByName(name);
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Optional<TopicMetadata> topic(Uuid id) {
        return queries.topic(TopicIds.toColumn(id));
    }

    @Transactional(readOnly = true)
    public boolean topicExists(String name) {
        return queries.topicExists(name);
    }

    /** @throws TopicExistsException if the name is taken */
    @Transactional
    public TopicMetadata createTopic(String name, Map<String, String> topicConfigs,
                                     List<PartitionMetadata> newPartitions) {
        queries.lockVersion();
        if (queries.topicExists(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        List<PartitionMetadata> sorted = consecutiveFrom(0, newPartitions);
        Uuid id = Uuid.randomUuid();
        UUID column = TopicIds.toColumn(id);
        long changed = queries.incrementVersion();
        jdbc.update("INSERT INTO topics (topic_id, name, version) VALUES (?, ?, ?)", column, name, changed);
        insertPartitions(column, sorted, changed);
        insertConfigs(column, topicConfigs, changed);
        return new TopicMetadata(id, name, topicConfigs, sorted);
    }

    /** Deletes the topic with its partitions and configs; returns false (and changes nothing) if it is unknown. */
    @Transactional
    public boolean deleteTopic(Uuid id) {
        queries.lockVersion();
        UUID column = TopicIds.toColumn(id);
        if (!queries.topicExists(column)) {
            return false;
        }
        jdbc.update("DELETE FROM topic_configs WHERE topic_id = ?", column);
        jdbc.update("DELETE FROM topic_partitions WHERE topic_id = ?", column);
        jdbc.update("DELETE FROM topics WHERE topic_id = ?", column);
        jdbc.update("INSERT INTO deleted_topics (topic_id, version) VALUES (?, ?)", column, queries.incrementVersion());
        return true;
    }

    @Transactional
    public TopicMetadata addPartitions(Uuid id, List<PartitionMetadata> newPartitions) {
        queries.lockVersion();
        UUID column = requireTopic(id);
        int existing = queries.partitions(column).size();
        List<PartitionMetadata> sorted = consecutiveFrom(existing, newPartitions);
        long changed = queries.incrementVersion();
        jdbc.update("UPDATE topics SET version = ? WHERE topic_id = ?", changed, column);
        insertPartitions(column, sorted, changed);
        return queries.topic(column).orElseThrow();
    }

    @Transactional
    public TopicMetadata replaceTopicConfigs(Uuid id, Map<String, String> topicConfigs) {
        queries.lockVersion();
        UUID column = requireTopic(id);
        long changed = queries.incrementVersion();
        // A removed override leaves no row behind: the topic row carries the change.
        jdbc.update("UPDATE topics SET version = ? WHERE topic_id = ?", changed, column);
        jdbc.update("DELETE FROM topic_configs WHERE topic_id = ?", column);
        insertConfigs(column, topicConfigs, changed);
        return queries.topic(column).orElseThrow();
    }

    /**
     * Compare-and-set of one partition's leadership on its partition epoch. Under the version row lock (which
     * serializes every metadata writer) it reads the row's current epoch with a row lock of its own and takes
     * a version only when the epoch matches; the UPDATE repeats the epoch condition, so two writers can never
     * both win even without the version lock.
     *
     * @return the stored partition, or empty (nothing written, no version taken) if the epoch moved on or the
     *         topic or partition is gone
     */
    @Transactional
    public Optional<PartitionMetadata> compareAndSetPartition(Uuid topicId, int expectedPartitionEpoch,
                                                              PartitionMetadata next) {
        queries.lockVersion();
        UUID column = TopicIds.toColumn(topicId);
        List<Integer> current = jdbc.queryForList("SELECT partition_epoch FROM topic_partitions"
                + " WHERE topic_id = ? AND partition_index = ? FOR UPDATE", Integer.class, column, next.partition());
        if (current.isEmpty() || current.get(0) != expectedPartitionEpoch) {
            return Optional.empty();
        }
        int updated = jdbc.update("UPDATE topic_partitions SET leader = ?, leader_epoch = ?, replicas = ?, isr = ?,"
                + " partition_epoch = ?, version = ? WHERE topic_id = ? AND partition_index = ? AND partition_epoch = ?",
                next.leader(), next.leaderEpoch(), BrokerIdLists.toColumn(next.replicas()),
                BrokerIdLists.toColumn(next.isr()), expectedPartitionEpoch + 1, queries.incrementVersion(), column,
                next.partition(), expectedPartitionEpoch);
        if (updated != 1) {
            throw new IllegalStateException("Partition " + topicId + "-" + next.partition() + " changed under its"
                    + " row lock: " + updated + " rows updated");
        }
        return Optional.of(new PartitionMetadata(next.partition(), next.leader(), next.leaderEpoch(),
                next.replicas(), next.isr(), expectedPartitionEpoch + 1));
    }

    /**
     * Takes the lease under its row lock if it is free, expired (by the database clock), or held by an
     * earlier incarnation of the same broker id, and only for a live broker whose current registration has
     * {@code brokerEpoch}; bumps the controller epoch.
     */
    @Transactional
    public Optional<ControllerLease> tryAcquireController(int brokerId, long brokerEpoch, long leaseMs) {
        // Brokers ask every heartbeat; while another broker's lease runs, answer from a plain read, so they do
        // not queue on the row lock the controller's renewals need.
        MetadataQueries.LeaseRow seen = queries.lease(false);
        if (seen.unexpiredHolder() != ControllerLease.NO_CONTROLLER && seen.unexpiredHolder() != brokerId) {
            return Optional.empty();
        }
        MetadataQueries.LeaseRow row = queries.lease(true);
        if (row.unexpiredHolder() != ControllerLease.NO_CONTROLLER && row.unexpiredHolder() != brokerId) {
            return Optional.empty();
        }
        if (!queries.liveWithEpoch(brokerId, brokerEpoch, leaseMs)) {
            return Optional.empty();
        }
        long epoch = row.epoch() + 1;
        jdbc.update("UPDATE controller_lease SET holder_broker_id = ?, controller_epoch = ?, renewed_at = "
                + database.clock() + ", lease_ms = ? WHERE id = 1", brokerId, epoch, leaseMs);
        return Optional.of(new ControllerLease(brokerId, epoch, leaseMs));
    }

    /** Frees the lease if {@code brokerId} still holds it with {@code epoch}; true if it did. */
    @Transactional
    public boolean releaseController(int brokerId, long epoch) {
        return jdbc.update("UPDATE controller_lease SET holder_broker_id = NULL, renewed_at = NULL "
                + "WHERE id = 1 AND holder_broker_id = ? AND controller_epoch = ?", brokerId, epoch) == 1;
    }

    /** The unexpired lease, by the database clock. */
    @Transactional(readOnly = true)
    public Optional<ControllerLease> controller() {
        MetadataQueries.LeaseRow row = queries.lease(false);
        return row.unexpiredHolder() == ControllerLease.NO_CONTROLLER ? Optional.empty()
                : Optional.of(new ControllerLease(row.unexpiredHolder(), row.epoch(), row.leaseMs()));
    }

    /**
     * Locks the lease row, checks it carries {@code controllerEpoch} and runs {@code write} in this same
     * transaction (the store methods it calls join it), so the lease cannot change hands before the write
     * commits. Lock order: the lease row, then the metadata version row (ordinary writes take only the latter).
     *
     * @throws NotControllerException if the lease carries another epoch; nothing is written
     */
    @Transactional
    public <T> T asController(long controllerEpoch, Supplier<T> write) {
        MetadataQueries.LeaseRow row = queries.lease(true);
        if (row.epoch() != controllerEpoch) {
            throw new NotControllerException("Controller epoch " + controllerEpoch + " is stale: the lease carries"
                    + " epoch " + row.epoch() + " (held by broker " + row.holder() + ")");
        }
        return write.get();
    }

    /** Reserves {@code count} producer ids under the counter row's lock and returns the first. */
    @Transactional
    public long allocateProducerIds(int count) {
        List<Long> next = jdbc.queryForList("SELECT next_id FROM producer_id_block WHERE id = 1 FOR UPDATE", Long.class);
        if (next.isEmpty()) {
            throw new IllegalStateException("The producer_id_block row is missing: the metadata schema is incomplete.");
        }
        long first = next.get(0);
        jdbc.update("UPDATE producer_id_block SET next_id = ? WHERE id = 1", Math.addExact(first, count));
        return first;
    }

    private UUID requireTopic(Uuid id) {
        UUID column = TopicIds.toColumn(id);
        if (!queries.topicExists(column)) {
            throw new UnknownTopicIdException("Topic id " + id + " does not exist.");
        }
        return column;
    }

    private void insertPartitions(UUID topicId, List<PartitionMetadata> partitions, long version) {
        jdbc.batchUpdate("INSERT INTO topic_partitions (topic_id, partition_index, leader, leader_epoch, replicas, isr,"
                + " partition_epoch, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", partitions.stream()
                .map(p -> new Object[]{topicId, p.partition(), p.leader(), p.leaderEpoch(),
                        BrokerIdLists.toColumn(p.replicas()), BrokerIdLists.toColumn(p.isr()), p.partitionEpoch(),
                        version}).toList());
    }

    private void insertConfigs(UUID topicId, Map<String, String> configs, long version) {
        jdbc.batchUpdate("INSERT INTO topic_configs (topic_id, config_name, config_value, version) VALUES (?, ?, ?, ?)",
                configs.entrySet().stream().map(e -> new Object[]{topicId, e.getKey(), e.getValue(), version}).toList());
    }

    /** Sorts by partition index and checks the indexes are {@code first, first + 1, ...}. */
    private static List<PartitionMetadata> consecutiveFrom(int first, List<PartitionMetadata> partitions) {
        List<PartitionMetadata> sorted = partitions.stream()
                .sorted(Comparator.comparingInt(PartitionMetadata::partition)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).partition() != first + i) {
                throw new IllegalArgumentException("Partition indexes must continue from " + first
                        + " without gaps, got " + sorted.stream().map(PartitionMetadata::partition).toList());
            }
        }
        return sorted;
    }
}
