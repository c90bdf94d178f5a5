package io.strata.platform.cluster;

import io.strata.platform.metadata.PostgresTestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Leader and ISR of a topic's partitions as stored in the metadata database: the cluster's truth. The Admin
 * API answers from whichever broker it asks, and a broker just woken from SIGSTOP still tells its stale view
 * (itself leading, everyone in sync) until its next metadata poll, so "rejoined the ISR" is judged here.
 */
final class StoredPartitions {
    /** One row of {@code topic_partitions}; {@code isr} in stored order. */
    record Stored(int partition, int leader, List<Integer> isr) {
    }

    private final PostgresTestDatabase database;

    StoredPartitions(PostgresTestDatabase database) {
        this.database = database;
    }

    /** The partitions of {@code topic} by index; empty if the topic is not stored. */
    List<Stored> of(String topic) throws SQLException {
        List<Stored> partitions = new ArrayList<>();
        try (Connection connection = database.connect();
             PreparedStatement query = connection.prepareStatement("SELECT p.partition_index, p.leader, p.isr"
                     + " FROM topic_partitions p JOIN topics t ON t.topic_id = p.topic_id"
                     + " WHERE t.name = ? ORDER BY p.partition_index")) {
            query.setString(1, topic);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    partitions.add(new Stored(rows.getInt(1), rows.getInt(2), brokerIds(rows.getString(3))));
                }
            }
        }
        return partitions;
    }

    /** Whether every partition of {@code topic} has a leader and all {@code replicas} in its ISR. */
    boolean allInSync(String topic, int replicas) throws SQLException {
        List<Stored> partitions = of(topic);
        return !partitions.isEmpty()
                && partitions.stream().allMatch(p -> p.leader() >= 0 && p.isr().size() == replicas);
    }

    private static List<Integer> brokerIds(String csv) {
        return csv.isBlank() ? List.of()
                : Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }
}
