package io.strata.platform.http;

import io.strata.admin.gateway.KafkaGateway;
import io.strata.admin.service.consumer.ConsumerInstanceRegistry;
import io.strata.admin.service.consumer.InstanceLeaseKeeper;
import io.strata.admin.service.consumer.directory.DirectoryEntry;
import io.strata.admin.service.consumer.directory.InstanceDirectory;
import io.strata.admin.service.consumer.directory.InstanceKey;
import io.strata.platform.StrataApplication;
import io.strata.platform.broker.BrokerLifecycle;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static io.strata.platform.http.V2ProduceTest.TEXT;
import static io.strata.platform.http.V2ProduceTest.V2;
import static io.strata.platform.http.V2ProduceTest.bytes;
import static io.strata.platform.http.V2ProduceTest.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * v2 consumer instances survive a node change: one broker platform and two HTTP-only platforms
 * ({@code strata.broker.enabled=false}) in front of it, each its own Spring context with its own data dir. An
 * instance created on node A is polled through node B (forwarded to A), then A stops and B takes the instance
 * over, resuming from the group's committed offsets.
 */
class ConsumerInstanceFailoverTest {
    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final int PARTITIONS = 2;
    private static final int RECORDS = 60;

    private static Path root;
    private static ConfigurableApplicationContext broker;
    private static Admin admin;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws IOException {
        root = Files.createTempDirectory("strata-failover-test-");
        root.toFile().deleteOnExit();
        broker = run(Map.of("strata.data-dir", root.resolve("broker"), "strata.kafka.host", "127.0.0.1",
                "strata.kafka.port", 0, "server.port", 0, "strata.groups.initial-rebalance-delay", "0s",
                "strata.groups.min-session-timeout", "1s"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(node -> node.context().close());
    }

    @Test
    void anInstanceIsServedThroughAnyNodeAndTakenOverWhenItsOwnerStops() throws Exception {
        String topic = produce(unique("failover"));
        String group = unique("failover-group");
        Node a = startNode("node-a");
        Node b = startNode("node-b");
        String instance = createInstance(a, group, topic);

        Map<Integer, TreeSet<Long>> committed = new HashMap<>();
        List<JsonNode> beforeCommit = readAtLeast(b, instance, 20);
        beforeCommit.forEach(r -> add(committed, r));
        assertThat(a.registry().size()).as("node A serves the instance").isEqualTo(1);
        assertThat(b.registry().size()).as("node B only forwards").isZero();
        var commit = b.http().post(instance + "/offsets", null, "Content-Type", V2);
        assertThat(commit.status()).as(commit.body()).isEqualTo(200);
        Map<Integer, TreeSet<Long>> afterCommit = new HashMap<>();
        readAtLeast(b, instance, 10).forEach(r -> add(afterCommit, r));
        afterCommit.forEach((p, offsets) -> assertThat(offsets)
                .noneMatch(offset -> committed.getOrDefault(p, new TreeSet<>()).contains(offset)));

        long stopping = System.currentTimeMillis();
        a.context().close();
        long stopped = System.currentTimeMillis();
        List<long[]> attempts = new ArrayList<>();
        Map<Integer, TreeSet<Long>> takenOver = readToEnd(b, instance, attempts);
        long served = attempts.stream().filter(t -> t[1] == 200).findFirst().orElseThrow()[0];
        System.out.printf("Takeover after a graceful stop: node A stopped in %d ms, node B served the instance %d ms "
                + "after that%n", stopped - stopping, served - stopped);

        assertResumedFromCommit(committed, takenOver);
        DirectoryEntry entry = b.directory().getSynced(new InstanceKey(group, "inst"));
        assertThat(entry.ownerNodeId()).isEqualTo("node-b");
        assertThat(entry.ownerEpoch()).isEqualTo(2);
        assertThat(b.registry().size()).isEqualTo(1);
        assertOneMember(group);
    }

    @Test
    void anOwnerThatStopsWithoutReleasingIsTakenOverOnlyAfterItsLeaseLapses() throws Exception {
        String topic = produce(unique("lapse"));
        String group = unique("lapse-group");
        Node a = startNode("node-c");
        Node b = startNode("node-d");
        String instance = createInstance(a, group, topic);
        Map<Integer, TreeSet<Long>> committed = new HashMap<>();
        readAtLeast(a, instance, 20).forEach(r -> add(committed, r));
        assertThat(a.http().post(instance + "/offsets", null, "Content-Type", V2).status()).isEqualTo(200);

        a.context().getBean(InstanceLeaseKeeper.class).haltWithoutRelease();
        a.context().getBean(KafkaGateway.class).producer().flush();
        long lapse = b.directory().getSynced(new InstanceKey(group, "inst")).leaseExpiresAtMs();
        a.context().close();

        List<long[]> attempts = new ArrayList<>();
        Map<Integer, TreeSet<Long>> takenOver = readToEnd(b, instance, attempts);
        long tookOver = attempts.stream().filter(t -> t[1] == 200).findFirst().orElseThrow()[0];
        System.out.printf("Takeover without a release: node B served the instance %d ms after the lease lapsed "
                + "(%d requests refused before)%n", tookOver - lapse, attempts.stream().filter(t -> t[1] == 503).count());
        assertThat(attempts.stream().filter(t -> t[0] < lapse)).as("requests answered before the lapse")
                .isNotEmpty().allSatisfy(t -> assertThat(t[1]).isEqualTo(503));
        assertThat(tookOver).isGreaterThanOrEqualTo(lapse);

        assertResumedFromCommit(committed, takenOver);
        assertOneMember(group);
    }

    /** The records after the takeover are, per partition, exactly those from the last commit to the end. */
    private static void assertResumedFromCommit(Map<Integer, TreeSet<Long>> committed, Map<Integer, TreeSet<Long>> after) {
        for (int p = 0; p < PARTITIONS; p++) {
            TreeSet<Long> before = committed.getOrDefault(p, new TreeSet<>());
            long from = before.isEmpty() ? 0 : before.last() + 1;
            assertThat(before).as("partition %d before the commit", p)
                    .containsExactlyElementsOf(LongStream.range(0, from).boxed().toList());
            assertThat(after.getOrDefault(p, new TreeSet<>())).as("partition %d after the takeover", p)
                    .containsExactlyElementsOf(LongStream.range(from, RECORDS / PARTITIONS).boxed().toList());
        }
    }

    private static void assertOneMember(String group) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups()
                    .get(group).get(10, TimeUnit.SECONDS);
            assertThat(description.members()).hasSize(1);
        });
    }

    private String createInstance(Node node, String group, String topic) {
        var created = node.http().post("/consumers/" + group, "{\"name\":\"inst\",\"format\":\"text\","
                + "\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}", "Content-Type", V2);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String instance = "/consumers/" + group + "/instances/inst";
        var subscribed = node.http().post(instance + "/subscription", "{\"topics\":[\"" + topic + "\"]}",
                "Content-Type", V2);
        assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(204);
        return instance;
    }

    /** Records requests (each at most 40 bytes of values: a few records) until {@code count} came, no repeats. */
    private static List<JsonNode> readAtLeast(Node node, String instance, int count) {
        List<JsonNode> read = new ArrayList<>();
        Map<Integer, TreeSet<Long>> seen = new HashMap<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var response = node.http().get(instance + "/records?timeout=1000&max_bytes=40", "Accept", TEXT);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            for (JsonNode record : response.json()) {
                assertThat(add(seen, record)).as("read once: %s", record).isTrue();
                read.add(record);
            }
            return read.size() >= count;
        });
        return read;
    }

    /**
     * Records requests until every partition is read to its end, each noted in {@code attempts} as (epoch ms
     * answered, status): 503 while the owner is gone and no takeover is due, 200 from the takeover on.
     */
    private static Map<Integer, TreeSet<Long>> readToEnd(Node node, String instance, List<long[]> attempts) {
        Map<Integer, TreeSet<Long>> read = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            var response = node.http().get(instance + "/records?timeout=500", "Accept", TEXT);
            attempts.add(new long[]{System.currentTimeMillis(), response.status()});
            boolean servedBefore = attempts.stream().anyMatch(t -> t[1] == 200 && t != attempts.get(attempts.size() - 1));
            assertThat(response.status()).as(response.body()).isIn(servedBefore ? List.of(200) : List.of(200, 503));
            if (response.status() == 200) {
                for (JsonNode record : response.json()) {
                    assertThat(add(read, record)).as("read once after the takeover: %s", record).isTrue();
                }
            }
            return read.size() == PARTITIONS
                    && read.values().stream().allMatch(offsets -> offsets.last() == RECORDS / PARTITIONS - 1);
        });
        return read;
    }

    private static boolean add(Map<Integer, TreeSet<Long>> read, JsonNode record) {
        int partition = record.get("partition").asInt();
        long offset = record.get("offset").asLong();
        assertThat(record.get("value").asString()).isEqualTo("v-" + partition + "-" + offset);
        return read.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    }

    /** A topic of {@link #PARTITIONS} partitions with {@link #RECORDS} records, values naming their place. */
    private static String produce(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                int partition = i % PARTITIONS;
                producer.send(new ProducerRecord<>(topic, partition, null,
                        bytes("v-" + partition + "-" + i / PARTITIONS))).get();
            }
        }
        return topic;
    }

    /** An HTTP-only platform: no broker, the broker context's cluster through kafka-clients. */
    private Node startNode(String id) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("strata.broker.enabled", false);
        properties.put("strata.http.bootstrap-servers", bootstrapServers());
        properties.put("strata.http.node-id", id);
        properties.put("strata.http.advertised-url", "http://127.0.0.1:" + port);
        properties.put("strata.http.consumer-instance-lease", LEASE.toMillis() + "ms");
        properties.put("strata.data-dir", root.resolve(id));
        properties.put("server.port", port);
        Node node = new Node(run(properties), new HttpTestClient("http://127.0.0.1:" + port));
        nodes.add(node);
        return node;
    }

    private static ConfigurableApplicationContext run(Map<String, Object> properties) {
        // As command-line arguments: builder default properties would rank below application.yml
        return new SpringApplicationBuilder(StrataApplication.class).run(properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    private static String bootstrapServers() {
        return broker.getBean(BrokerLifecycle.class).broker().orElseThrow().bootstrapServers();
    }

    private record Node(ConfigurableApplicationContext context, HttpTestClient http) {
        ConsumerInstanceRegistry registry() {
            return context.getBean(ConsumerInstanceRegistry.class);
        }

        InstanceDirectory directory() {
            return context.getBean(InstanceDirectory.class);
        }
    }
}
