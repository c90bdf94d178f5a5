package io.strata.platform.http;

import io.strata.platform.StrataApplication;
import io.strata.platform.broker.BrokerLifecycle;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The platform as users run it (broker, H2 metadata, HTTP on a random port), shared by every HTTP test class:
 * the same settings and data dir keep one Spring context for all of them, so CI starts it once.
 * Tests use their own topic and group names, never assuming an empty cluster.
 */
@SpringBootTest(classes = StrataApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"strata.kafka.host=127.0.0.1", "strata.kafka.port=0",
                "strata.groups.initial-rebalance-delay=0s", "strata.groups.min-session-timeout=1s"})
public abstract class HttpPlatformTestBase {
    private static final Path DATA_DIR = createDataDir();
    private static Admin admin;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("strata.data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    protected int httpPort;

    @Autowired
    protected BrokerLifecycle lifecycle;

    /** An HTTP client for this platform's port. */
    protected HttpTestClient http() {
        return new HttpTestClient("http://127.0.0.1:" + httpPort);
    }

    /** The cluster id, as v3 paths need it. */
    protected String clusterId() {
        return lifecycle.broker().orElseThrow().clusterId();
    }

    /** {@code /v3/clusters/{id}} followed by {@code path} (which starts with a slash or is empty). */
    protected String v3(String path) {
        return "/v3/clusters/" + clusterId() + path;
    }

    protected String bootstrapServers() {
        return lifecycle.broker().orElseThrow().bootstrapServers();
    }

    /** A Kafka Admin on the broker, for setting up and checking what HTTP calls did; closed after the class. */
    protected synchronized Admin kafkaAdmin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
        }
        return admin;
    }

    protected void createTopic(String name, int partitions) {
        try {
            kafkaAdmin().createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not create topic " + name, e);
        }
    }

    protected KafkaProducer<byte[], byte[]> kafkaProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A consumer without a group, for reading back what HTTP produced. */
    protected KafkaConsumer<byte[], byte[]> kafkaConsumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterAll
    static synchronized void closeAdmin() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    private static Path createDataDir() {
        try {
            Path dir = Files.createTempDirectory("strata-http-test-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
