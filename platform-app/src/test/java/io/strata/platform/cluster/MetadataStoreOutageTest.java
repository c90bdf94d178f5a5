package io.strata.platform.cluster;

import io.strata.engine.metadata.PartitionMetadata;
import io.strata.platform.metadata.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metadata store outage: PostgreSQL unreachable for 10 s under load, played by cutting a TCP proxy
 * that stands between all three brokers (pool and heartbeat connections alike) and the database. Produce and
 * consume go on with the leadership and ISR the brokers hold, {@code db} health is DOWN meanwhile, nothing is
 * lost, and once the database is back the brokers recover by themselves without having fenced anyone: every
 * partition keeps its leader, leader epoch and partition epoch. Skipped without PostgreSQL.
 */
class MetadataStoreOutageTest {
    private static final String TOPIC = "outage";
    private static final int PARTITIONS = 3;
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private PostgresTestDatabase database;
    private TcpProxy proxy;
    private PlatformCluster cluster;

    @BeforeEach
    void startClusterBehindProxy() throws Exception {
        database = PostgresTestDatabase.createOrSkip();
        Map<String, String> datasource = new HashMap<>(database.datasourceProperties());
        String url = datasource.get("spring.datasource.url");
        URI direct = URI.create(url.substring("jdbc:".length()));
        proxy = TcpProxy.start(direct.getHost(), direct.getPort());
        datasource.put("spring.datasource.url", url.replace(direct.getHost() + ":" + direct.getPort(),
                "127.0.0.1:" + proxy.port()));
        cluster = PlatformCluster.start(root, datasource, 3);
    }

    @AfterEach
    void stopCluster() throws Exception {
        if (proxy != null) {
            proxy.restore(); // so that controlled shutdown and the schema drop can reach the database
        }
        if (cluster != null) {
            cluster.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void produceAndConsumeGoOnThroughATenSecondOutageAndNoBrokerIsFencedByIt() throws Exception {
        cluster.createReplicatedTopic(TOPIC, PARTITIONS, Map.of("min.insync.replicas", "2"));
        List<PartitionMetadata> before = cluster.partitions(TOPIC);

        try (ContinuousProducer load = new ContinuousProducer(cluster.bootstrapServers(), TOPIC, PARTITIONS);
             TailingConsumer consumer = new TailingConsumer(cluster.bootstrapServers(), TOPIC, PARTITIONS)) {
            consumer.start();
            await().atMost(SETTLE).until(() -> load.ackCount() >= 1_000 && consumer.count() >= 1_000);

            proxy.cut();
            long cutAt = System.nanoTime();
            long ackedAtCut = load.ackCount();
            long readAtCut = consumer.count();
            await().atMost(OUTAGE).untilAsserted(() ->
                    assertThat(cluster.health("db")).isEqualTo(Map.of(1, "DOWN", 2, "DOWN", 3, "DOWN")));
            assertThat(cluster.health("broker")).as("the brokers still serve").isEqualTo(Map.of(1, "UP", 2, "UP", 3, "UP"));
            await().atMost(OUTAGE).until(() -> load.ackCount() >= ackedAtCut + 1_000
                    && consumer.count() >= readAtCut + 1_000);
            assertThat(System.nanoTime() - cutAt).as("still within the outage").isLessThan(OUTAGE.toNanos());
            Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - cutAt) / 1_000_000));
            proxy.restore();

            await().atMost(SETTLE).untilAsserted(() ->
                    assertThat(cluster.health("")).isEqualTo(Map.of(1, "UP", 2, "UP", 3, "UP")));
            // Load goes on past the controllers' post-outage grace (a session timeout), when fencing would show.
            long ackedAtRecovery = load.ackCount();
            Thread.sleep(PlatformCluster.SESSION_TIMEOUT.multipliedBy(2).toMillis());
            assertThat(load.ackCount()).isGreaterThan(ackedAtRecovery);

            load.stopAndFlush();
            assertThat(load.failures()).isEmpty();
            for (int p = 0; p < PARTITIONS; p++) {
                List<Integer> acked = load.acked(p);
                assertThat(acked).isEqualTo(IntStream.range(0, acked.size()).boxed().toList());
                int partition = p;
                await().atMost(SETTLE).until(() -> consumer.count(partition) >= acked.size());
            }
            consumer.close();
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(consumer.read(p)).isEqualTo(load.acked(p));
            }
            assertThat(consumer.failures()).isEmpty();
        }

        assertThat(cluster.partitions(TOPIC)).isEqualTo(before);
        assertThat(cluster.store().brokers()).allMatch(b -> b.live(), "every broker live");
        for (int id = 1; id <= 3; id++) {
            assertThat(cluster.meterRegistry(id).get("strata.controller.fenced.brokers").gauge().value()).isZero();
        }
    }
}
