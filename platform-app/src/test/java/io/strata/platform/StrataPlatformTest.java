package io.strata.platform;

import com.jayway.jsonpath.JsonPath;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.server.Broker;
import io.strata.platform.broker.BrokerLifecycle;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole platform as a user runs it: Kafka listener, metadata on H2 in a temporary data dir, actuator.
 * Ports are picked by the OS.
 */
@SpringBootTest(classes = StrataApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"strata.kafka.host=127.0.0.1", "strata.kafka.port=0"})
// The context (its broker writing under dataDir) closes after the class, before JUnit deletes the directory;
// cached, it would still be writing there while the directory is removed.
@DirtiesContext
class StrataPlatformTest {
    private static final Pattern DESCRIBE_CLUSTER_COUNT =
            Pattern.compile("(?m)^strata_requests_seconds_count\\{[^}]*api=\"DescribeCluster\"[^}]*} ([0-9.]+)");

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("strata.data-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    BrokerLifecycle lifecycle;

    @Autowired
    MetadataStore metadataStore;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void servesKafkaClientsAndReportsHealthAndMetrics() throws Exception {
        Broker broker = lifecycle.broker().orElseThrow();
        String bootstrap = broker.bootstrapServers();
        assertThat(bootstrap).isEqualTo("127.0.0.1:" + broker.boundPort());

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            DescribeClusterResult cluster = admin.describeCluster();
            assertThat(cluster.clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(metadataStore.clusterId());
            assertThat(cluster.nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id).containsExactly(0);
        }
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", bootstrap,
                "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class,
                "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class))) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("metrics-probe", "k", "v"))
                    .get(30, TimeUnit.SECONDS);
        }

        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        String body = health.body();
        assertThat((String) JsonPath.read(body, "$.status")).isEqualTo("UP");
        assertThat((String) JsonPath.read(body, "$.components.broker.status")).isEqualTo("UP");
        assertThat((Integer) JsonPath.read(body, "$.components.broker.details.brokerId")).isZero();
        assertThat((String) JsonPath.read(body, "$.components.broker.details.state")).isEqualTo("RUNNING");
        assertThat((String) JsonPath.read(body, "$.components.broker.details.bootstrapServers")).isEqualTo(bootstrap);
        assertThat((String) JsonPath.read(body, "$.components.broker.details.clusterId"))
                .isEqualTo(metadataStore.clusterId());

        // The request timer is recorded as the response is written, possibly after the client has it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = get("/actuator/prometheus").body();
            assertThat(metrics).contains("jvm_memory_used_bytes");
            assertThat(metrics).containsPattern("(?m)^strata_topic_bytes_in_total\\{[^}]*topic=\"metrics-probe\"[^}]*} [1-9]");
            assertThat(metrics).containsPattern("(?m)^strata_topic_messages_in_total\\{[^}]*topic=\"metrics-probe\"[^}]*} 1\\.0");
            assertThat(metrics).as("the acknowledged record was fsynced").containsPattern("(?m)^strata_log_flush_seconds_count [1-9]");
            var count = DESCRIBE_CLUSTER_COUNT.matcher(metrics);
            assertThat(count.find()).as("DescribeCluster request count in:%n%s", metrics).isTrue();
            assertThat(Double.parseDouble(count.group(1))).isGreaterThanOrEqualTo(1);
        });

        assertThat(dataDir.resolve("metadata").resolve("strata.mv.db")).isRegularFile();
        assertThat(Files.isDirectory(dataDir.resolve("logs"))).isTrue();
    }

    @Test
    void exportsConsumerLagPerGroupTopicAndPartition() throws Exception {
        String bootstrap = lifecycle.broker().orElseThrow().bootstrapServers();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", bootstrap,
                "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class,
                "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class))) {
            for (int i = 0; i < 10; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("lag-probe", 0, "k", "v" + i));
            }
            producer.flush();
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.alterConsumerGroupOffsets("lag-group", Map.of(
                    new org.apache.kafka.common.TopicPartition("lag-probe", 0),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(4))).all().get(30, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String metrics = get("/actuator/prometheus").body();
            assertThat(metrics).containsPattern("(?m)^strata_group_consumer_lag\\{group=\"lag-group\",partition=\"0\","
                    + "topic=\"lag-probe\"} 6\\.0$");
            assertThat(metrics).containsPattern("(?m)^strata_group_count\\{state=\"Empty\"} [1-9]");
            assertThat(metrics).containsPattern("(?m)^strata_group_offset_commits_total [1-9]");
        });
    }

    @Test
    void topicConfigChangesAreStoredInTheMetadataDatabase() throws Exception {
        String bootstrap = lifecycle.broker().orElseThrow().bootstrapServers();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "configs-probe");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("configs-probe", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND))))
                    .all().get(30, TimeUnit.SECONDS);
        }

        assertThat(metadataStore.topic("configs-probe").orElseThrow().configs())
                .containsExactlyInAnyOrderEntriesOf(Map.of("retention.ms", "3600000", "cleanup.policy", "delete,compact"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
