package io.strata.engine.it.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.engine.config.BrokerConfig;
import io.strata.engine.config.GroupConfig;
import io.strata.engine.config.ReplicationConfig;
import io.strata.engine.metadata.InMemoryMetadataStore;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.server.Broker;
import io.strata.engine.server.BrokerState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * Several real {@link Broker}s in one JVM sharing one {@link InMemoryMetadataStore}, with short heartbeat,
 * poll and session timeouts so liveness tests run in seconds. Broker ids are 1..n; each has its own data
 * dir under the given root and listens on a free port. Admin clients handed out are closed first on
 * {@link #close()}. Used from the test thread only.
 */
final class ClusterFixture implements AutoCloseable {
    static final long SESSION_TIMEOUT_MS = 2_000;
    static final long HEARTBEAT_INTERVAL_MS = 250;
    static final long POLL_INTERVAL_MS = 100;
    /** replica.lag.time.max.ms for tests: a stopped follower leaves the ISR after this. */
    static final long REPLICA_LAG_TIME_MAX_MS = 3_000;
    private static final Duration SETTLE = Duration.ofSeconds(20);

    private final Path root;
    private final InMemoryMetadataStore store = new InMemoryMetadataStore(System::currentTimeMillis,
            SESSION_TIMEOUT_MS);
    private final Broker[] brokers;
    private final SimpleMeterRegistry[] registries;
    private final Deque<Admin> admins = new ArrayDeque<>();

    private UnaryOperator<BrokerConfig> customize = UnaryOperator.identity();

    private ClusterFixture(Path root, int size) {
        this.root = root;
        this.brokers = new Broker[size + 1];
        this.registries = new SimpleMeterRegistry[size + 1];
    }

    static ClusterFixture start(Path root, int size) {
        return start(root, size, size);
    }

    /** A cluster of {@code size} broker ids of which only 1..{@code running} start now; start the rest later. */
    static ClusterFixture start(Path root, int size, int running) {
        return start(root, size, running, UnaryOperator.identity());
    }

    /** As {@link #start(Path, int, int)}, every broker's config changed by {@code customize}. */
    static ClusterFixture start(Path root, int size, int running, UnaryOperator<BrokerConfig> customize) {
        ClusterFixture cluster = new ClusterFixture(root, size);
        cluster.customize = customize;
        try {
            for (int id = 1; id <= running; id++) {
                cluster.startBroker(id);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    InMemoryMetadataStore store() {
        return store;
    }

    Broker broker(int id) {
        return brokers[id];
    }

    /** The meter registry of broker {@code id}'s current incarnation. */
    SimpleMeterRegistry meterRegistry(int id) {
        return registries[id];
    }

    /** Starts (or restarts, on the same data dir) broker {@code id}. */
    Broker startBroker(int id) {
        if (brokers[id] != null && brokers[id].state() != BrokerState.NOT_RUNNING) {
            throw new IllegalStateException("Broker " + id + " is running");
        }
        BrokerConfig config = BrokerConfig.defaults(root.resolve("broker-" + id), 0).withBrokerId(id)
                .withGroups(GroupConfig.defaults().withInitialRebalanceDelayMs(0).withMinSessionTimeoutMs(1_000))
                .withIntervals(HEARTBEAT_INTERVAL_MS, POLL_INTERVAL_MS)
                .withReplication(ReplicationConfig.defaults().withReplicaLagTimeMaxMs(REPLICA_LAG_TIME_MAX_MS)
                        .withReplicaFetchBackoffMs(100));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Broker broker = new Broker(customize.apply(config), store, registry);
        broker.start();
        brokers[id] = broker;
        registries[id] = registry;
        return broker;
    }

    /**
     * Creates a topic with a replica on every broker (replication factor = cluster size) through broker 1 and
     * waits until the store shows every ISR full and every running broker hosts its replicas.
     */
    void createReplicatedTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
        int size = brokers.length - 1;
        admin(1).createTopics(List.of(new NewTopic(topic, partitions, (short) size).configs(configs))).all().get();
        await().atMost(SETTLE).until(() -> {
            List<PartitionMetadata> stored = store.topic(topic).map(TopicMetadata::partitions).orElse(List.of());
            return stored.size() == partitions && stored.stream().allMatch(p -> p.isr().size() == size);
        });
        for (Broker broker : brokers) {
            if (broker != null && broker.state() == BrokerState.RUNNING) {
                await().atMost(SETTLE).until(() -> IntStream.range(0, partitions).allMatch(p ->
                        broker.replicaManager().partition(new TopicPartition(topic, p)).isPresent()));
            }
        }
    }

    /** The topic's partitions as the metadata store holds them now. */
    List<PartitionMetadata> partitions(String topic) {
        return store.topic(topic).map(TopicMetadata::partitions).orElseThrow();
    }

    /** Every broker's bootstrap address, of those running. */
    String bootstrapServers() {
        StringBuilder out = new StringBuilder();
        for (Broker broker : brokers) {
            if (broker != null && broker.state() == BrokerState.RUNNING) {
                out.append(out.isEmpty() ? "" : ",").append(broker.bootstrapServers());
            }
        }
        return out.toString();
    }

    /** An Admin client bootstrapped from broker {@code id} only. */
    Admin admin(int id) {
        Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers[id].bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
        admins.push(admin);
        return admin;
    }

    @Override
    public void close() {
        while (!admins.isEmpty()) {
            admins.pop().close(Duration.ofSeconds(5));
        }
        for (Broker broker : brokers) {
            if (broker != null) {
                broker.close();
            }
        }
    }
}
