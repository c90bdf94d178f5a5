package io.strata.platform.metadata;

import io.strata.engine.metadata.BrokerConfigs;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.ControllerLease;
import io.strata.engine.metadata.FinalizedFeatures;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The SQL that reads metadata rows into engine values, and the single-row locks writers take. Runs inside
 * the caller's transaction ({@link MetadataTransactions} opens them): it has no transaction boundaries of its
 * own. Thread-safe: it holds only the template and the dialect.
 */
final class MetadataQueries {
    /** The {@code broker_configs} broker id of the cluster-wide default (broker ids are never negative). */
    static final int CLUSTER_DEFAULT = -1;

    private static final String PARTITION_COLUMNS =
            "topic_id, partition_index, leader, leader_epoch, replicas, isr, partition_epoch";
    private static final RowMapper<PartitionMetadata> PARTITION = (rs, n) -> new PartitionMetadata(rs.getInt(2),
            rs.getInt(3), rs.getInt(4), BrokerIdLists.fromColumn(rs.getString(5)),
            BrokerIdLists.fromColumn(rs.getString(6)), rs.getInt(7));

    private final JdbcTemplate jdbc;
    private final MetadataDatabase database;

    MetadataQueries(JdbcTemplate jdbc, MetadataDatabase database) {
        this.jdbc = jdbc;
        this.database = database;
    }

    /** The version row's value, read under its row lock (held until the transaction ends). */
    long lockVersion() {
        return single(jdbc.queryForList("SELECT current_version FROM metadata_version WHERE id = 1 FOR UPDATE",
                Long.class), "metadata_version");
    }

    long currentVersion() {
        return single(jdbc.queryForList("SELECT current_version FROM metadata_version WHERE id = 1", Long.class),
                "metadata_version");
    }

    /** Stores the next version and returns it; the caller holds the version row lock. */
    long incrementVersion() {
        long next = lockVersion() + 1;
        jdbc.update("UPDATE metadata_version SET current_version = ? WHERE id = 1", next);
        return next;
    }

    Optional<String> clusterId() {
        return Optional.ofNullable(single(jdbc.queryForList("SELECT cluster_id FROM cluster_info WHERE id = 1",
                String.class), "cluster_info"));
    }

    List<BrokerRegistration> brokers(Set<Integer> live, String condition, Object... args) {
        return jdbc.query("SELECT broker_id, host, port, rack, broker_epoch, shutting_down FROM brokers"
                + condition + " ORDER BY broker_id", (rs, n) -> new BrokerRegistration(rs.getInt(1), rs.getString(2),
                rs.getInt(3), rs.getString(4), rs.getLong(5), live.contains(rs.getInt(1)), rs.getBoolean(6)), args);
    }

    /**
     * Brokers whose last heartbeat is within the session timeout. Both timestamps are the database's: the
     * heartbeat's written by it, "now" read from it here, so the brokers' clocks never matter.
     */
    Set<Integer> liveBrokerIds(long sessionTimeoutMs) {
        Set<Integer> live = new HashSet<>();
        jdbc.query("SELECT broker_id, last_heartbeat, " + database.clock() + " AS db_now FROM brokers", rs -> {
            if (within(rs.getObject(2, OffsetDateTime.class), rs.getObject(3, OffsetDateTime.class), sessionTimeoutMs)) {
                live.add(rs.getInt(1));
            }
        });
        return live;
    }

    List<TopicMetadata> allTopics() {
        Map<UUID, List<PartitionMetadata>> partitionsByTopic = new HashMap<>();
        jdbc.query("SELECT " + PARTITION_COLUMNS + " FROM topic_partitions ORDER BY topic_id, partition_index",
                rs -> {
                    partitionsByTopic.computeIfAbsent(uuid(rs, 1), id -> new ArrayList<>())
                            .add(PARTITION.mapRow(rs, 0));
                });
        Map<UUID, Map<String, String>> configsByTopic = new HashMap<>();
        jdbc.query("SELECT topic_id, config_name, config_value FROM topic_configs", rs -> {
            configsByTopic.computeIfAbsent(uuid(rs, 1), id -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
        });
        return jdbc.query("SELECT topic_id, name FROM topics ORDER BY name", (rs, n) -> {
            UUID id = uuid(rs, 1);
            return new TopicMetadata(TopicIds.fromColumn(id), rs.getString(2),
                    configsByTopic.getOrDefault(id, Map.of()), partitionsByTopic.getOrDefault(id, List.of()));
        });
    }

    Optional<TopicMetadata> topicByName(String name) {
        return jdbc.queryForList("SELECT topic_id FROM topics WHERE name = ?", UUID.class, name).stream()
                .findFirst().flatMap(this::topic);
    }

    /** The topic with its configs and partitions, or empty if there is no such topic. */
    Optional<TopicMetadata> topic(UUID id) {
        List<String> names = jdbc.queryForList("SELECT name FROM topics WHERE topic_id = ?", String.class, id);
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> configs = new LinkedHashMap<>();
        jdbc.query("SELECT config_name, config_value FROM topic_configs WHERE topic_id = ?",
                rs -> {
                    configs.put(rs.getString(1), rs.getString(2));
                }, id);
        List<PartitionMetadata> partitions = partitions(id);
        return Optional.of(new TopicMetadata(TopicIds.fromColumn(id), names.get(0), configs, partitions));
    }

    List<PartitionMetadata> partitions(UUID topicId) {
        return jdbc.query("SELECT " + PARTITION_COLUMNS + " FROM topic_partitions WHERE topic_id = ?"
                + " ORDER BY partition_index", PARTITION, topicId);
    }

    boolean topicExists(String name) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM topics WHERE name = ?", Long.class, name) > 0;
    }

    boolean topicExists(UUID id) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM topics WHERE topic_id = ?", Long.class, id) > 0;
    }

    /** Ids of the topics whose own row, partitions or configs carry a version in {@code (since, upTo]}. */
    Set<UUID> changedTopicIds(long since, long upTo) {
        Set<UUID> ids = new java.util.LinkedHashSet<>();
        for (String table : List.of("topics", "topic_partitions", "topic_configs")) {
            ids.addAll(jdbc.queryForList("SELECT DISTINCT topic_id FROM " + table + " WHERE version > ? AND version <= ?",
                    UUID.class, since, upTo));
        }
        return ids;
    }

    List<Uuid> deletedTopicIds(long since, long upTo) {
        return jdbc.query("SELECT topic_id FROM deleted_topics WHERE version > ? AND version <= ?",
                (rs, row) -> TopicIds.fromColumn(uuid(rs, 1)), since, upTo);
    }

    BrokerConfigs brokerConfigs() {
        Map<String, String> clusterDefault = new HashMap<>();
        Map<Integer, Map<String, String>> perBroker = new HashMap<>();
        jdbc.query("SELECT broker_id, config_name, config_value FROM broker_configs", rs -> {
            int id = rs.getInt(1);
            (id == CLUSTER_DEFAULT ? clusterDefault : perBroker.computeIfAbsent(id, k -> new HashMap<>()))
                    .put(rs.getString(2), rs.getString(3));
        });
        return new BrokerConfigs(clusterDefault, perBroker);
    }

    boolean brokerConfigsChanged(long since, long upTo) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM broker_config_changes WHERE version > ? AND version <= ?",
                Long.class, since, upTo) > 0;
    }

    /** The finalized features; the epoch is the version of their last change. */
    FinalizedFeatures features() {
        long[] epoch = {-1};
        Map<String, Short> levels = new HashMap<>();
        jdbc.query("SELECT feature_name, feature_level, version FROM finalized_features", rs -> {
            epoch[0] = Math.max(epoch[0], rs.getLong(3));
            if (rs.getShort(2) > 0) {
                levels.put(rs.getString(1), rs.getShort(2));
            }
        });
        return new FinalizedFeatures(epoch[0], levels);
    }

    boolean featuresChanged(long since, long upTo) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM finalized_features WHERE version > ? AND version <= ?",
                Long.class, since, upTo) > 0;
    }

    /** The controller lease row, optionally under its row lock; expiry judged by the database clock. */
    LeaseRow lease(boolean forUpdate) {
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
        return single(rows, "controller_lease");
    }

    /** Whether the broker's current registration has {@code brokerEpoch} and heartbeated within {@code ms}. */
    boolean liveWithEpoch(int brokerId, long brokerEpoch, long ms) {
        List<Boolean> rows = jdbc.query("SELECT broker_epoch, last_heartbeat, " + database.clock()
                + " AS db_now FROM brokers WHERE broker_id = ?", (rs, n) -> rs.getLong(1) == brokerEpoch
                && within(rs.getObject(2, OffsetDateTime.class), rs.getObject(3, OffsetDateTime.class), ms), brokerId);
        return !rows.isEmpty() && rows.get(0);
    }

    /**
     * Whether {@code then} is at most {@code ms} before {@code now}; both are the database's clock (written by
     * it, and read from it in the same query), so liveness and lease expiry never depend on a broker's clock.
     */
    private static boolean within(OffsetDateTime then, OffsetDateTime now, long ms) {
        return Duration.between(then, now).toMillis() <= ms;
    }

    private static UUID uuid(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    /** The one row of a singleton table, inserted by the schema migration. */
    private static <T> T single(List<T> rows, String table) {
        if (rows.isEmpty()) {
            throw new IllegalStateException("The " + table + " row is missing: the metadata schema is incomplete.");
        }
        return rows.get(0);
    }

    record LeaseRow(int holder, long epoch, long leaseMs, boolean unexpired) {
        int unexpiredHolder() {
            return unexpired ? holder : ControllerLease.NO_CONTROLLER;
        }
    }
}
