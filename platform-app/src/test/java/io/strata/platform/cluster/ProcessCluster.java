package io.strata.platform.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * Brokers 1..n of the packaged platform jar as separate processes on one PostgreSQL metadata database, with
 * the short liveness timeouts of the issue (heartbeat 500ms, session 3s, metadata poll 200ms) so failovers
 * take seconds. Ports are chosen here (free when chosen) and kept across restarts. {@link #close()} kills
 * every process it started, and a shutdown hook does the same should the test JVM exit without closing.
 */
final class ProcessCluster implements AutoCloseable {
    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);
    static final Duration METADATA_POLL_INTERVAL = Duration.ofMillis(200);
    /** Three Spring Boot JVMs starting at once on two cores take a while. */
    private static final Duration STARTUP = Duration.ofSeconds(300);

    private final Map<Integer, BrokerProcess> brokers = new LinkedHashMap<>();
    private final Thread killOnExit = new Thread(this::killAll, "process-cluster-kill-on-exit");
    private volatile Admin admin;

    private ProcessCluster() {
    }

    /**
     * Starts {@code size} brokers and waits until the Admin API lists them all.
     *
     * @param datasource {@code spring.datasource.*} of the shared metadata database
     */
    static ProcessCluster start(int size, Path jar, Path dataRoot, Path logDir, Map<String, String> datasource)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No platform jar at " + jar + "; run the IT through mvn verify");
        }
        Map<String, String> common = new LinkedHashMap<>(datasource);
        common.put("strata.broker.heartbeat-interval", HEARTBEAT_INTERVAL.toMillis() + "ms");
        common.put("strata.broker.session-timeout", SESSION_TIMEOUT.toMillis() + "ms");
        common.put("strata.broker.metadata-poll-interval", METADATA_POLL_INTERVAL.toMillis() + "ms");
        ProcessCluster cluster = new ProcessCluster();
        Runtime.getRuntime().addShutdownHook(cluster.killOnExit);
        try {
            List<Integer> ports = freePorts(2 * size);
            for (int id = 1; id <= size; id++) {
                BrokerProcess broker = new BrokerProcess(id, ports.get(2 * (id - 1)), ports.get(2 * (id - 1) + 1), jar,
                        dataRoot.resolve("broker-" + id), logDir.resolve("broker-" + id + ".log"), common);
                cluster.brokers.put(id, broker);
                broker.clearLog();
                broker.start();
            }
            cluster.admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4_000,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
            cluster.awaitNodes(size, STARTUP);
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    BrokerProcess broker(int id) {
        return brokers.get(id);
    }

    String bootstrapServers() {
        return brokers.values().stream().map(BrokerProcess::address).collect(Collectors.joining(","));
    }

    Admin admin() {
        return admin;
    }

    /** Waits until the cluster's metadata lists exactly {@code count} brokers, as clients see it. */
    void awaitNodes(int count, Duration atMost) {
        await("" + count + " brokers in describeCluster").atMost(atMost).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> nodeIds().size() == count);
    }

    Set<Integer> nodeIds() throws Exception {
        return admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).stream().map(Node::id)
                .collect(Collectors.toSet());
    }

    /** The partitions of {@code topic} as the broker the Admin client asks sees them. */
    List<TopicPartitionInfo> partitions(String topic) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(4, TimeUnit.SECONDS).get(topic);
        return description.partitions();
    }

    /** The leader of {@code partition}, or -1 if it has none. */
    int leader(String topic, int partition) throws Exception {
        Node leader = partitions(topic).get(partition).leader();
        return leader == null || leader.isEmpty() ? -1 : leader.id();
    }

    @Override
    public void close() {
        Admin current = admin;
        if (current != null) {
            current.close(Duration.ofSeconds(2));
        }
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    /** SIGCONT first, so that a paused broker does not linger, then SIGKILL, then wait for each to be gone. */
    private void killAll() {
        for (BrokerProcess broker : brokers.values()) {
            try {
                if (broker.isAlive()) {
                    broker.resume();
                }
            } catch (Exception ignored) {
                // SIGKILL below works on a stopped process too
            }
            try {
                broker.kill();
            } catch (Exception e) {
                System.err.println("Could not kill broker " + broker.id() + ": " + e);
            }
        }
    }

    /**
     * Ports free at the time of the call, all distinct (each is held until every one is chosen). Another
     * process may take one before the broker binds it; the port is then reported in the broker's log.
     */
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                socket.setReuseAddress(true);
                held.add(socket);
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
