package io.strata.platform.cluster;

import io.strata.platform.metadata.PostgresTestDatabase;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The process-level failover tests: three brokers, each its own JVM of the packaged platform jar,
 * on one PostgreSQL metadata database, shared by the cases. A broker killed with SIGKILL or frozen with
 * SIGSTOP behaves as in production (no shutdown hook, sockets left open), which in-JVM brokers cannot show.
 * Runs in {@code mvn verify} after the jar is built; needs the PostgreSQL of {@link PostgresTestDatabase}.
 * Broker logs go to {@code target/process-cluster-it/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessClusterIT {
    private static final int BROKERS = 3;
    private static final int PARTITIONS = 3;
    /** The bound for a new leader after the old one is killed. */
    private static final Duration ELECTION_BOUND = ProcessCluster.SESSION_TIMEOUT.plusSeconds(5);
    /** Generous: restarts and catch-up on two busy cores. */
    private static final Duration SETTLE = Duration.ofSeconds(60);

    @TempDir
    static Path dataRoot;

    private PostgresTestDatabase database;
    private ProcessCluster cluster;
    private StoredPartitions stored;

    @BeforeAll
    void startCluster() throws Exception {
        database = PostgresTestDatabase.createOrSkip();
        stored = new StoredPartitions(database);
        Path jar = Path.of(System.getProperty("strata.it.jar", "target/platform-app-0.1.0-SNAPSHOT.jar"));
        Path logDir = Path.of(System.getProperty("strata.it.log-dir", "target/process-cluster-it"));
        cluster = ProcessCluster.start(BROKERS, jar, dataRoot, logDir, database.datasourceProperties());
    }

    @AfterAll
    void stopCluster() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    @BeforeEach
    void allBrokersServe() {
        cluster.awaitNodes(BROKERS, SETTLE);
    }

    @Test
    void sigkillOfTheLeaderUnderAcksAllLoadElectsANewLeaderWithinTheSessionTimeoutPlusFiveSecondsAndLosesNoAckedRecord()
            throws Exception {
        String topic = "sigkill";
        createTopic(topic);
        try (ContinuousProducer producer = new ContinuousProducer(cluster.bootstrapServers(), topic, PARTITIONS)) {
            awaitMoreAcks(producer, 500);
            int victim = stored.of(topic).get(0).leader();

            long killedAt = System.nanoTime();
            cluster.broker(victim).kill();
            int newLeader = await("a new leader of " + topic + "-0 after killing broker " + victim)
                    .atMost(ELECTION_BOUND).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> cluster.leader(topic, 0), leader -> leader >= 0 && leader != victim);
            Duration electedAfter = Duration.ofNanos(System.nanoTime() - killedAt);
            System.out.printf("Killed broker %d, leader of %s-0; broker %d leads it %d ms later%n", victim, topic,
                    newLeader, electedAfter.toMillis());
            assertThat(electedAfter).isLessThanOrEqualTo(ELECTION_BOUND);

            awaitMoreAcks(producer, 2_000); // two replicas in sync still satisfy min.insync.replicas=2
            cluster.broker(victim).start();
            await("broker " + victim + " back in every ISR").atMost(SETTLE).ignoreExceptions()
                    .until(() -> stored.allInSync(topic, BROKERS));
            awaitMoreAcks(producer, 500);

            producer.stopAndFlush();
            assertEveryAckedRecordReadBackOnceInOrder(producer, topic);
        }
    }

    @Test
    void aLeaderPausedWithSigstopPastTheSessionTimeoutIsDeposedAndOnResumingAcksNothingUnreplicatedAndRejoinsTheIsr()
            throws Exception {
        String topic = "sigstop";
        createTopic(topic);
        try (ContinuousProducer producer = new ContinuousProducer(cluster.bootstrapServers(), topic, PARTITIONS)) {
            awaitMoreAcks(producer, 500);
            int victim = stored.of(topic).get(0).leader();

            long pausedAt = System.nanoTime();
            cluster.broker(victim).pause();
            try {
                await("a new leader of " + topic + "-0 while broker " + victim + " is paused").atMost(SETTLE)
                        .ignoreExceptions()
                        .until(() -> stored.of(topic).get(0).leader(), leader -> leader >= 0 && leader != victim);
                awaitMoreAcks(producer, 500); // the new leader takes acks=all writes without the paused broker
                long pauseFor = ProcessCluster.SESSION_TIMEOUT.plusSeconds(3).toNanos();
                TimeUnit.NANOSECONDS.sleep(Math.max(0, pausedAt + pauseFor - System.nanoTime()));
            } finally {
                cluster.broker(victim).resume();
            }

            await("broker " + victim + " back in every ISR").atMost(SETTLE).ignoreExceptions()
                    .until(() -> stored.allInSync(topic, BROKERS));
            assertThat(stored.of(topic).get(0).leader()).as("leader of %s-0", topic).isNotEqualTo(victim);
            awaitMoreAcks(producer, 500);

            producer.stopAndFlush();
            assertEveryAckedRecordReadBackOnceInOrder(producer, topic);
        }
    }

    private void createTopic(String topic) throws Exception {
        cluster.admin().createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) BROKERS)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        await(topic + " fully in sync").atMost(SETTLE).ignoreExceptions()
                .until(() -> stored.allInSync(topic, BROKERS));
        // Stored is not yet served: a leader applies its leadership on its next metadata poll, and an idempotent
        // producer whose first batch is refused there while later ones are taken retries that batch forever.
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, PARTITIONS).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        await(topic + " served by its leaders").atMost(SETTLE).ignoreExceptions()
                .until(() -> cluster.admin().listOffsets(latest).all().get(5, TimeUnit.SECONDS).size() == PARTITIONS);
    }

    private static void awaitMoreAcks(ContinuousProducer producer, long more) {
        long target = producer.ackCount() + more;
        await(more + " more acknowledged records").atMost(SETTLE).until(() -> producer.ackCount() >= target);
    }

    private void assertEveryAckedRecordReadBackOnceInOrder(ContinuousProducer producer, String topic) {
        producer.assertEveryAckedRecordReadBackOnceInOrder(p ->
                PartitionReader.readAll(cluster.bootstrapServers(), new TopicPartition(topic, p), SETTLE));
    }
}
