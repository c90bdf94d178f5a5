package io.strata.platform.cluster;

import io.strata.engine.metadata.PartitionMetadata;
import io.strata.platform.metadata.PostgresTestDatabase;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The cluster failover test of the issue on the PostgreSQL store: three platform brokers (each its own Spring
 * context) and an idempotent acks=all producer writing 100k records to an RF 3, min.insync.replicas=2 topic
 * while the leader of each partition in turn crashes (no controlled shutdown) and comes back. Every
 * acknowledged record is read back in order, none duplicated, and each restarted broker rejoins the ISR.
 * Skipped without PostgreSQL (see {@link PostgresTestDatabase}).
 */
class PostgresLeaderFailoverTest {
    private static final String TOPIC = "failover";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 100_000;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private PostgresTestDatabase database;
    private PlatformCluster cluster;

    @BeforeEach
    void startCluster() throws Exception {
        database = PostgresTestDatabase.createOrSkip();
        cluster = PlatformCluster.start(root, database.datasourceProperties(), 3);
    }

    @AfterEach
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void crashingEachLeaderInTurnUnderAcksAllLoadLosesAndDuplicatesNothingAndTheyRejoinTheIsr() throws Exception {
        cluster.createReplicatedTopic(TOPIC, PARTITIONS, Map.of("min.insync.replicas", "2"));

        try (ContinuousProducer load = new ContinuousProducer(cluster.bootstrapServers(), TOPIC, PARTITIONS, 30)) {
            await().atMost(SETTLE).until(() -> load.ackCount() >= RECORDS / 10);
            for (int p = 0; p < PARTITIONS; p++) {
                crashAndRestartTheLeaderOf(p);
            }
            await().atMost(SETTLE.multipliedBy(4)).until(() -> load.ackCount() >= RECORDS);
            load.stopAndFlush();
            load.assertEveryAckedRecordReadBackOnceInOrder(p ->
                    PartitionReader.readAll(cluster.bootstrapServers(), new TopicPartition(TOPIC, p), SETTLE));
        }
    }

    /** Crashes the leader of {@code partition}, awaits a new one, restarts it and awaits it in every ISR. */
    private void crashAndRestartTheLeaderOf(int partition) {
        int victim = cluster.partitions(TOPIC).get(partition).leader();
        cluster.crash(victim);
        await().atMost(SETTLE).until(() -> {
            PartitionMetadata now = cluster.partitions(TOPIC).get(partition);
            return now.leader() >= 0 && now.leader() != victim;
        });
        cluster.startBroker(victim);
        await().atMost(SETTLE).until(() -> cluster.partitions(TOPIC).stream().allMatch(p -> p.isr().contains(victim)));
    }
}
