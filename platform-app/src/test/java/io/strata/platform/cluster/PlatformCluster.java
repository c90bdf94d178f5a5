package io.strata.platform.cluster;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.server.Broker;
import io.strata.platform.StrataApplication;
import io.strata.platform.broker.BrokerLifecycle;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Brokers 1..n of one cluster in one JVM, each a Spring Boot application context of its own running the whole
 * platform app (so the PostgreSQL store, pool, heartbeat connection and health indicators are the real ones),
 * all sharing the metadata database given by {@code spring.datasource.*}. Kafka and HTTP ports are the OS's
 * choice; each broker has its own data dir under {@code root}, kept across restarts. Timeouts are short so
 * failover and recovery take seconds. Used from the test thread only.
 */
final class PlatformCluster implements AutoCloseable {
    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(250);
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);
    static final Duration METADATA_POLL_INTERVAL = Duration.ofMillis(200);
    /** replica.lag.time.max for tests: a stopped follower leaves the ISR after this. */
    static final Duration REPLICA_LAG_TIME_MAX = Duration.ofSeconds(3);

    private final Path root;
    private final Map<String, String> datasource;
    private final ConfigurableApplicationContext[] contexts;
    private final Deque<Admin> admins = new ArrayDeque<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PlatformCluster(Path root, Map<String, String> datasource, int size) {
        this.root = root;
        this.datasource = Map.copyOf(datasource);
        this.contexts = new ConfigurableApplicationContext[size + 1];
    }

    /** Starts brokers 1..{@code size} one after another (the first runs the Flyway migration alone). */
    static PlatformCluster start(Path root, Map<String, String> datasource, int size) {
        PlatformCluster cluster = new PlatformCluster(root, datasource, size);
        try {
            for (int id = 1; id <= size; id++) {
                cluster.startBroker(id);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Starts (or restarts, on the same data dir) broker {@code id} as a new application context. */
    void startBroker(int id) {
        if (contexts[id] != null && contexts[id].isActive()) {
            throw new IllegalStateException("Broker " + id + " is running");
        }
        // As command-line arguments: builder default properties would rank below application.yml
        String[] args = properties(id).entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        contexts[id] = new SpringApplicationBuilder(StrataApplication.class).run(args);
    }

    /**
     * A crash: the engine broker halts (no controlled shutdown, no flush, no checkpoint, no lease release),
     * then the rest of its application context (web server, pool) is closed so that {@link #startBroker} can
     * run the broker id again.
     */
    void crash(int id) {
        broker(id).halt();
        contexts[id].close();
    }

    private Map<String, Object> properties(int id) {
        Map<String, Object> p = new LinkedHashMap<>(datasource);
        p.put("strata.broker.id", id);
        p.put("strata.data-dir", root.resolve("broker-" + id).toString());
        p.put("strata.kafka.host", "127.0.0.1");
        p.put("strata.kafka.port", 0);
        p.put("server.port", 0);
        p.put("strata.broker.heartbeat-interval", HEARTBEAT_INTERVAL.toMillis() + "ms");
        p.put("strata.broker.session-timeout", SESSION_TIMEOUT.toMillis() + "ms");
        p.put("strata.broker.metadata-poll-interval", METADATA_POLL_INTERVAL.toMillis() + "ms");
        p.put("strata.broker.controlled-shutdown-timeout", "5s");
        p.put("strata.replication.replica-lag-time-max", REPLICA_LAG_TIME_MAX.toMillis() + "ms");
        p.put("strata.replication.replica-fetch-backoff", "100ms");
        p.put("strata.topics.default-replication-factor", 3);
        p.put("strata.groups.offsets-topic-replication-factor", 3);
        p.put("strata.groups.initial-rebalance-delay", "0s");
        p.put("spring.datasource.hikari.maximum-pool-size", 5);
        return p;
    }

    ConfigurableApplicationContext context(int id) {
        return contexts[id];
    }

    Broker broker(int id) {
        return contexts[id].getBean(BrokerLifecycle.class).broker().orElseThrow();
    }

    MeterRegistry meterRegistry(int id) {
        return contexts[id].getBean(MeterRegistry.class);
    }

    /**
     * The status {@code /actuator/health/{component}} reports ({@code db}, {@code broker}), or of the whole when
     * {@code component} is empty, of every running broker by id; asked over HTTP as an orchestrator's probe
     * would, of all brokers at once (while the database is unreachable each answer takes the pool's connection
     * timeout).
     */
    Map<Integer, String> health(String component) {
        Map<Integer, CompletableFuture<String>> answers = new TreeMap<>();
        for (int id = 1; id < contexts.length; id++) {
            if (running(id)) {
                String port = contexts[id].getEnvironment().getProperty("local.server.port");
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"
                        + (component.isEmpty() ? "" : "/" + component))).timeout(Duration.ofSeconds(30)).build();
                answers.put(id, http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .thenApply(response -> JsonPath.read(response.body(), "$.status")));
            }
        }
        Map<Integer, String> out = new TreeMap<>();
        answers.forEach((id, answer) -> out.put(id, answer.join()));
        return out;
    }

    /** The partitions of {@code topic} as the metadata store holds them, read through a running broker. */
    /** Creates an RF 3 topic and waits until the store shows every partition with all three replicas in sync. */
    void createReplicatedTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
        admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 3).configs(configs))).all().get();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> partitions(topic).stream().allMatch(p -> p.isr().size() == 3));
    }

    List<PartitionMetadata> partitions(String topic) {
        return store().topic(topic).map(TopicMetadata::partitions).orElseThrow();
    }

    /** The metadata store of the first running broker. */
    MetadataStore store() {
        return IntStream.range(1, contexts.length).filter(this::running).mapToObj(id -> contexts[id])
                .findFirst().orElseThrow().getBean(MetadataStore.class);
    }

    /** Every running broker's bootstrap address. */
    String bootstrapServers() {
        return IntStream.range(1, contexts.length).filter(this::running)
                .mapToObj(id -> broker(id).bootstrapServers()).collect(Collectors.joining(","));
    }

    private boolean running(int id) {
        return contexts[id] != null && contexts[id].isActive();
    }

    Admin admin() {
        Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
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
        for (ConfigurableApplicationContext context : contexts) {
            if (context != null && context.isActive()) {
                context.close();
            }
        }
    }
}
