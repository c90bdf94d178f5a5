package io.strata.platform.metadata;

import io.strata.engine.metadata.BrokerConfigs;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.ControllerLease;
import io.strata.engine.metadata.MetadataDelta;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The database transactions behind {@link JpaMetadataStore}; each public method is one transaction.
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
public class MetadataTransactions {
    private static final BrokerIdListConverter BROKER_IDS = new BrokerIdListConverter();

    private final ClusterInfoRepository clusterInfo;
    private final MetadataVersionRepository versions;
    private final ProducerIdBlockRepository producerIds;
    private final BrokerRepository brokers;
    private final TopicRepository topics;
    private final PartitionRepository partitions;
    private final TopicConfigRepository configs;
    private final BrokerConfigRepository brokerConfigs;
    private final JdbcTemplate jdbc;
    private final MetadataDatabase database;

    public MetadataTransactions(ClusterInfoRepository clusterInfo, MetadataVersionRepository versions,
                                ProducerIdBlockRepository producerIds, BrokerRepository brokers,
                                TopicRepository topics, PartitionRepository partitions,
                                TopicConfigRepository configs, BrokerConfigRepository brokerConfigs,
                                DataSource dataSource, MetadataDatabase database) {
        this.clusterInfo = clusterInfo;
        this.versions = versions;
        this.producerIds = producerIds;
        this.brokers = brokers;
        this.topics = topics;
        this.partitions = partitions;
        this.configs = configs;
        this.brokerConfigs = brokerConfigs;
        this.jdbc = new JdbcTemplate(dataSource);
        this.database = database;
    }

    /**
     * Returns the stored cluster id, storing {@code candidate} first if there is none. READ COMMITTED
     * so that a broker losing the compare-and-set race reads the winner's committed id.
     */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public String loadOrClaimClusterId(String candidate) {
        Optional<String> existing = clusterInfo.findClusterId();
        if (existing.isPresent()) {
            return existing.get();
        }
        clusterInfo.claimClusterId(candidate);
        return clusterInfo.findClusterId().orElseThrow(() ->
                new IllegalStateException("The cluster_info row is missing: the metadata schema is incomplete."));
    }

    @Transactional(readOnly = true)
    public long metadataVersion() {
        return versions.currentVersion().orElseThrow(() ->
                new IllegalStateException("The metadata_version row is missing: the metadata schema is incomplete."));
    }

    /**
     * Stores the registration under a new epoch, the metadata version this change takes (so epochs
     * strictly increase across every registration of every broker); it also counts as a heartbeat.
     */
    @Transactional
    public BrokerRegistration registerBroker(BrokerRegistration broker) {
        MetadataVersionEntity version = lockVersion();
        long epoch = version.increment();
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
        MetadataVersionEntity version = lockVersion();
        List<Boolean> marked = jdbc.queryForList("SELECT shutting_down FROM brokers WHERE broker_id = ?"
                + " AND broker_epoch = ?", Boolean.class, brokerId, brokerEpoch);
        if (marked.isEmpty()) {
            throw new StaleBrokerEpochException("Broker " + brokerId + " requested controlled shutdown with epoch "
                    + brokerEpoch + ", which is not its current registration (a newer one registered, or none did)");
        }
        if (!marked.get(0)) {
            jdbc.update("UPDATE brokers SET shutting_down = TRUE, version = ? WHERE broker_id = ? AND broker_epoch = ?",
                    version.increment(), brokerId, brokerEpoch);
        }
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public List<BrokerRegistration> brokers(long sessionTimeoutMs) {
        Set<Integer> live = liveBrokerIds(sessionTimeoutMs);
        return brokers.findAllByOrderByBrokerIdAsc().stream()
                .map(b -> b.toRegistration(live.contains(b.getBrokerId()))).toList();
    }

    /**
     * Brokers whose last heartbeat is within the session timeout. Both timestamps are the database's: the
     * heartbeat's written by it, "now" read from it here, so the brokers' clocks never matter.
     */
    private Set<Integer> liveBrokerIds(long sessionTimeoutMs) {
        Set<Integer> live = new HashSet<>();
        jdbc.query("SELECT broker_id, last_heartbeat, " + database.clock() + " AS db_now FROM brokers", rs -> {
            if (within(rs.getObject(2, OffsetDateTime.class), rs.getObject(3, OffsetDateTime.class), sessionTimeoutMs)) {
                live.add(rs.getInt(1));
            }
        });
        return live;
    }

    /** Broker ids registered other than {@code brokerId}. */
    @Transactional(readOnly = true)
    public List<Integer> otherBrokerIds(int brokerId) {
        return brokers.findAllByOrderByBrokerIdAsc().stream().map(BrokerEntity::getBrokerId)
                .filter(id -> id != brokerId).toList();
    }

    /**
     * The rows with a version above {@code since}, up to the current version read first in this snapshot
     * (a row committed later with a higher version is left to the next call), and the live brokers.
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public MetadataDelta changesSince(long since, long sessionTimeoutMs) {
        long current = metadataVersion();
        Set<Integer> live = liveBrokerIds(sessionTimeoutMs);
        if (since >= current) {
            return new MetadataDelta(current, List.of(), List.of(), List.of(), live, controllerId());
        }
        Optional<BrokerConfigs> changedBrokerConfigs = since <= 0 || jdbc.queryForObject(
                "SELECT COUNT(*) FROM broker_config_changes WHERE version > ? AND version <= ?", Long.class,
                since, current) > 0 ? Optional.of(readBrokerConfigs()) : Optional.empty();
        List<BrokerRegistration> changedBrokers = brokers.findChanged(since, current).stream()
                .map(b -> b.toRegistration(live.contains(b.getBrokerId()))).toList();
        List<TopicMetadata> changedTopics;
        if (since <= 0) {
            changedTopics = topics();
        } else {
            Set<UUID> ids = new LinkedHashSet<>(topics.findChangedIds(since, current));
            ids.addAll(partitions.findChangedTopicIds(since, current));
            ids.addAll(configs.findChangedTopicIds(since, current));
            changedTopics = new ArrayList<>();
            for (UUID id : ids) {
                topics.findById(id).map(this::assemble).ifPresent(changedTopics::add);
            }
        }
        List<Uuid> deleted = jdbc.query("SELECT topic_id FROM deleted_topics WHERE version > ? AND version <= ?",
                (rs, row) -> TopicIds.fromColumn(rs.getObject(1, UUID.class)), since, current);
        return new MetadataDelta(current, changedBrokers, changedTopics, deleted, live, controllerId(),
                changedBrokerConfigs);
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public BrokerConfigs brokerConfigs() {
        return readBrokerConfigs();
    }

    /**
     * Replaces one resource's dynamic broker configs under a new version; the resource's row in
     * {@code broker_config_changes} carries that version even when no config row is left.
     */
    @Transactional
    public BrokerConfigs replaceBrokerConfigs(OptionalInt brokerId, Map<String, String> values) {
        MetadataVersionEntity version = lockVersion();
        BrokerConfigs before = readBrokerConfigs();
        long changed = version.increment();
        int column = brokerId.orElse(BrokerConfigEntity.CLUSTER_DEFAULT);
        brokerConfigs.deleteByBroker(column);
        brokerConfigs.saveAll(values.entrySet().stream()
                .map(e -> new BrokerConfigEntity(column, e.getKey(), e.getValue(), changed)).toList());
        if (jdbc.update("UPDATE broker_config_changes SET version = ? WHERE broker_id = ?", changed, column) == 0) {
            jdbc.update("INSERT INTO broker_config_changes (broker_id, version) VALUES (?, ?)", column, changed);
        }
        return before.with(brokerId, values);
    }

    /** Read with plain SQL, so no entity enters the persistence context that a replacement then re-inserts. */
    private BrokerConfigs readBrokerConfigs() {
        Map<String, String> clusterDefault = new HashMap<>();
        Map<Integer, Map<String, String>> perBroker = new HashMap<>();
        jdbc.query("SELECT broker_id, config_name, config_value FROM broker_configs", rs -> {
            int id = rs.getInt(1);
            (id == BrokerConfigEntity.CLUSTER_DEFAULT ? clusterDefault : perBroker.computeIfAbsent(id, k -> new HashMap<>()))
                    .put(rs.getString(2), rs.getString(3));
        });
        return new BrokerConfigs(clusterDefault, perBroker);
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public List<TopicMetadata> topics() {
        Map<UUID, List<PartitionMetadata>> partitionsByTopic = new HashMap<>();
        for (PartitionEntity p : partitions.findAllOrdered()) {
            partitionsByTopic.computeIfAbsent(p.getKey().getTopicId(), id -> new ArrayList<>()).add(p.toMetadata());
        }
        Map<UUID, Map<String, String>> configsByTopic = new HashMap<>();
        for (TopicConfigEntity c : configs.findAll()) {
            configsByTopic.computeIfAbsent(c.getKey().getTopicId(), id -> new HashMap<>())
                    .put(c.getKey().getName(), c.getValue());
        }
        List<TopicMetadata> result = new ArrayList<>();
        for (TopicEntity topic : topics.findAllByOrderByNameAsc()) {
            result.add(new TopicMetadata(TopicIds.fromColumn(topic.getTopicId()), topic.getName(),
                    configsByTopic.getOrDefault(topic.getTopicId(), Map.of()),
                    partitionsByTopic.getOrDefault(topic.getTopicId(), List.of())));
        }
        return result;
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Optional<TopicMetadata> topic(String name) {
        return topics.findByName(name).map(this::assemble);
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Optional<TopicMetadata> topic(Uuid id) {
        return topics.findById(TopicIds.toColumn(id)).map(this::assemble);
    }

    @Transactional(readOnly = true)
    public boolean topicExists(String name) {
        return topics.existsByName(name);
    }

    /** @throws TopicExistsException if the name is taken */
    @Transactional
    public TopicMetadata createTopic(String name, Map<String, String> topicConfigs,
                                     List<PartitionMetadata> newPartitions) {
        MetadataVersionEntity version = lockVersion();
        if (topics.existsByName(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        List<PartitionMetadata> sorted = consecutiveFrom(0, newPartitions);
        Uuid id = Uuid.randomUuid();
        UUID column = TopicIds.toColumn(id);
        // Flushed now so a unique-name violation surfaces here rather than at commit.
        long changed = version.increment();
        topics.saveAndFlush(new TopicEntity(column, name, changed));
        partitions.saveAll(sorted.stream().map(p -> PartitionEntity.of(column, p, changed)).toList());
        configs.saveAll(topicConfigs.entrySet().stream()
                .map(e -> new TopicConfigEntity(column, e.getKey(), e.getValue(), changed)).toList());
        return new TopicMetadata(id, name, topicConfigs, sorted);
    }

    /** Deletes the topic with its partitions and configs; returns false (and changes nothing) if it is unknown. */
    @Transactional
    public boolean deleteTopic(Uuid id) {
        MetadataVersionEntity version = lockVersion();
        UUID column = TopicIds.toColumn(id);
        if (!topics.existsById(column)) {
            return false;
        }
        configs.deleteByTopic(column);
        partitions.deleteByTopic(column);
        topics.deleteTopic(column);
        jdbc.update("INSERT INTO deleted_topics (topic_id, version) VALUES (?, ?)", column, version.increment());
        return true;
    }

    @Transactional
    public TopicMetadata addPartitions(Uuid id, List<PartitionMetadata> newPartitions) {
        MetadataVersionEntity version = lockVersion();
        TopicEntity topic = requireTopic(id);
        int existing = Math.toIntExact(partitions.countByTopic(topic.getTopicId()));
        List<PartitionMetadata> sorted = consecutiveFrom(existing, newPartitions);
        long changed = version.increment();
        topic.touch(changed);
        partitions.saveAll(sorted.stream().map(p -> PartitionEntity.of(topic.getTopicId(), p, changed)).toList());
        return assemble(topic);
    }

    @Transactional
    public TopicMetadata replaceTopicConfigs(Uuid id, Map<String, String> topicConfigs) {
        MetadataVersionEntity version = lockVersion();
        TopicEntity topic = requireTopic(id);
        long changed = version.increment();
        topic.touch(changed); // a removed override leaves no row behind: the topic row carries the change
        configs.deleteByTopic(topic.getTopicId());
        configs.saveAll(topicConfigs.entrySet().stream()
                .map(e -> new TopicConfigEntity(topic.getTopicId(), e.getKey(), e.getValue(), changed)).toList());
        return assemble(topic);
    }

    /**
     * Compare-and-set of one partition's leadership on its partition epoch. Under the version row lock (which
     * serializes every metadata writer) it reads the row's current epoch with a row lock of its own, straight
     * from the database rather than from the persistence context (which may hold a copy read earlier in an
     * enclosing {@link #asController} transaction), and takes a version only when the epoch matches; the
     * UPDATE repeats the epoch condition, so two writers can never both win even without the version lock.
     *
     * @return the stored partition, or empty (nothing written, no version taken) if the epoch moved on or the
     *         topic or partition is gone
     */
    @Transactional
    public Optional<PartitionMetadata> compareAndSetPartition(Uuid topicId, int expectedPartitionEpoch,
                                                              PartitionMetadata next) {
        MetadataVersionEntity version = lockVersion();
        UUID column = TopicIds.toColumn(topicId);
        List<Integer> current = jdbc.queryForList("SELECT partition_epoch FROM topic_partitions"
                + " WHERE topic_id = ? AND partition_index = ? FOR UPDATE", Integer.class, column, next.partition());
        if (current.isEmpty() || current.get(0) != expectedPartitionEpoch) {
            return Optional.empty();
        }
        long changed = version.increment();
        int updated = partitions.compareAndSet(column, next.partition(), expectedPartitionEpoch, next.leader(),
                next.leaderEpoch(), BROKER_IDS.convertToDatabaseColumn(next.replicas()),
                BROKER_IDS.convertToDatabaseColumn(next.isr()), changed);
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
        LeaseRow seen = readLease(false);
        if (seen.unexpiredHolder() != ControllerLease.NO_CONTROLLER && seen.unexpiredHolder() != brokerId) {
            return Optional.empty();
        }
        LeaseRow row = readLease(true);
        if (row.unexpiredHolder() != ControllerLease.NO_CONTROLLER && row.unexpiredHolder() != brokerId) {
            return Optional.empty();
        }
        List<Boolean> liveWithEpoch = jdbc.query("SELECT broker_epoch, last_heartbeat, " + database.clock()
                + " AS db_now FROM brokers WHERE broker_id = ?", (rs, n) -> rs.getLong(1) == brokerEpoch
                && within(rs.getObject(2, OffsetDateTime.class), rs.getObject(3, OffsetDateTime.class), leaseMs),
                brokerId);
        if (liveWithEpoch.isEmpty() || !liveWithEpoch.get(0)) {
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
        LeaseRow row = readLease(false);
        return row.unexpiredHolder() == ControllerLease.NO_CONTROLLER ? Optional.empty()
                : Optional.of(new ControllerLease(row.unexpiredHolder(), row.epoch(), row.leaseMs()));
    }

    private int controllerId() {
        return readLease(false).unexpiredHolder();
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
        LeaseRow row = readLease(true);
        if (row.epoch() != controllerEpoch) {
            throw new NotControllerException("Controller epoch " + controllerEpoch + " is stale: the lease carries"
                    + " epoch " + row.epoch() + " (held by broker " + row.holder() + ")");
        }
        return write.get();
    }

    private LeaseRow readLease(boolean forUpdate) {
        List<LeaseRow> rows = jdbc.query("SELECT holder_broker_id, controller_epoch, renewed_at, lease_ms, "
                + database.clock() + " AS db_now FROM controller_lease WHERE id = 1" + (forUpdate ? " FOR UPDATE" : ""),
                (rs, n) -> {
                    int holder = rs.getInt(1);
                    if (rs.wasNull()) {
                        holder = ControllerLease.NO_CONTROLLER;
                    }
                    OffsetDateTime renewed = rs.getObject(3, OffsetDateTime.class);
                    long leaseMs = rs.getLong(4);
                    OffsetDateTime now = rs.getObject(5, OffsetDateTime.class);
                    boolean unexpired = renewed != null && within(renewed, now, leaseMs);
                    return new LeaseRow(holder, rs.getLong(2), leaseMs, unexpired);
                });
        if (rows.isEmpty()) {
            throw new IllegalStateException("The controller_lease row is missing: the metadata schema is incomplete.");
        }
        return rows.get(0);
    }

    /**
     * Whether {@code then} is at most {@code ms} before {@code now}; both are the database's clock (written by
     * it, and read from it in the same query), so liveness and lease expiry never depend on a broker's clock.
     */
    private static boolean within(OffsetDateTime then, OffsetDateTime now, long ms) {
        return Duration.between(then, now).toMillis() <= ms;
    }

    private record LeaseRow(int holder, long epoch, long leaseMs, boolean unexpired) {
        int unexpiredHolder() {
            return unexpired ? holder : ControllerLease.NO_CONTROLLER;
        }
    }

    /** Reserves {@code count} producer ids under the counter row's lock and returns the first. */
    @Transactional
    public long allocateProducerIds(int count) {
        ProducerIdBlockEntity counter = producerIds.lockCounter().orElseThrow(() ->
                new IllegalStateException("The producer_id_block row is missing: the metadata schema is incomplete."));
        return counter.reserve(count);
    }

    private MetadataVersionEntity lockVersion() {
        return versions.lockVersion().orElseThrow(() ->
                new IllegalStateException("The metadata_version row is missing: the metadata schema is incomplete."));
    }

    private TopicEntity requireTopic(Uuid id) {
        return topics.findById(TopicIds.toColumn(id)).orElseThrow(() ->
                new UnknownTopicIdException("Topic id " + id + " does not exist."));
    }

    private TopicMetadata assemble(TopicEntity topic) {
        Map<String, String> topicConfigs = new LinkedHashMap<>();
        for (TopicConfigEntity c : configs.findByTopic(topic.getTopicId())) {
            topicConfigs.put(c.getKey().getName(), c.getValue());
        }
        List<PartitionMetadata> topicPartitions = partitions.findByTopic(topic.getTopicId()).stream()
                .map(PartitionEntity::toMetadata).toList();
        return new TopicMetadata(TopicIds.fromColumn(topic.getTopicId()), topic.getName(), topicConfigs,
                topicPartitions);
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
