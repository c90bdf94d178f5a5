package io.strata.engine.it;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.engine.config.GroupConfig;
import io.strata.engine.config.TransactionConfig;
import io.strata.engine.metadata.InMemoryMetadataStore;
import io.strata.engine.server.Broker;
import io.strata.engine.config.BrokerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Runs one real {@link Broker} in a temp dir for end-to-end tests and hands out kafka-clients configured
 * against it. Clients created here are closed (newest first) before the broker on {@link #close()}.
 * A restart reuses the data dir, the metadata store and the listener port, so existing clients reconnect; the port
 * is below the kernel's ephemeral range ({@link RestartablePorts}) so none of their reconnects can connect to itself.
 * Used from the test thread only.
 */
public final class BrokerFixture implements AutoCloseable {
    private static final Duration CLIENT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESTART_BIND_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 5;

    private final Path dataDir;
    private final Map<String, String> logDefaults;
    private final UnaryOperator<BrokerConfig> customize;
    private final InMemoryMetadataStore metadataStore = new InMemoryMetadataStore();
    /** The brokers' meters, across restarts (as the platform's registry is). */
    private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
    private final Deque<AutoCloseable> clients = new ArrayDeque<>();
    private Broker broker;
    /** False once the current broker was halted or closed, so close() does not stop it twice. */
    private boolean brokerRunning;
    private int port;

    private BrokerFixture(Path dataDir, Map<String, String> logDefaults, UnaryOperator<BrokerConfig> customize) {
        this.dataDir = dataDir;
        this.logDefaults = Map.copyOf(logDefaults);
        this.customize = customize;
    }

    public static BrokerFixture start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    /** Starts a broker on a free port with the given broker-wide topic config defaults. */
    public static BrokerFixture start(Path dataDir, Map<String, String> logDefaults) {
        return start(dataDir, logDefaults, UnaryOperator.identity());
    }

    /**
     * Starts a broker on a free port with the given broker-wide topic config defaults and the test's changes to
     * the rest of the config (e.g. {@code c -> c.withLogManager(...)}); restarts apply them again.
     */
    /** For tests that send transactional batches without a coordinator: leaders do not verify them (KIP-890). */
    public static BrokerConfig withoutPartitionVerification(BrokerConfig config) {
        return config.withTransactions(config.transactions().withPartitionVerificationEnable(false));
    }

    public static BrokerFixture start(Path dataDir, Map<String, String> logDefaults,
                                      UnaryOperator<BrokerConfig> customize) {
        BrokerFixture fixture = new BrokerFixture(dataDir, logDefaults, customize);
        for (int attempt = 1; ; attempt++) {
            int port = RestartablePorts.pick(); // free a moment ago; another process may take it first
            Broker broker = fixture.newBroker(port);
            try {
                broker.start();
            } catch (RuntimeException e) {
                broker.halt();
                if (port == 0 || attempt == START_ATTEMPTS) {
                    throw e;
                }
                continue;
            }
            fixture.broker = broker;
            fixture.brokerRunning = true;
            fixture.port = broker.boundPort();
            return fixture;
        }
    }

    public Broker broker() {
        return broker;
    }

    public SimpleMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public InMemoryMetadataStore metadataStore() {
        return metadataStore;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Crash simulation: no flush, no checkpoint, no clean-shutdown marker. */
    public void halt() {
        brokerRunning = false;
        broker.halt();
    }

    /** Graceful shutdown of the broker; clients stay open. */
    public void closeBroker() {
        brokerRunning = false;
        broker.close();
    }

    /**
     * Starts a new broker on the same data dir, metadata store and port. The previous broker must have
     * been halted or closed. Binding is retried for a while because the old listener's port may linger.
     */
    public void restart() throws InterruptedException {
        if (brokerRunning) {
            throw new IllegalStateException("halt() or closeBroker() before restart()");
        }
        long deadline = System.nanoTime() + RESTART_BIND_TIMEOUT.toNanos();
        while (true) {
            Broker next = newBroker(port);
            try {
                next.start();
                broker = next;
                brokerRunning = true;
                return;
            } catch (RuntimeException e) {
                next.halt();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private Broker newBroker(int listenerPort) {
        // Groups: no initial rebalance delay, so tests do not wait 3 s per group; short sessions allowed;
        // one broker, so __consumer_offsets and __transaction_state have replication factor 1 (Kafka's default 3
        // would never be met).
        BrokerConfig config = BrokerConfig.defaults(dataDir, listenerPort).withLogDefaults(logDefaults)
                .withGroups(GroupConfig.defaults().withInitialRebalanceDelayMs(0).withMinSessionTimeoutMs(1_000)
                        .withOffsetsTopicReplicationFactor((short) 1))
                .withTransactions(TransactionConfig.defaults().withStateLogReplicationFactor((short) 1));
        return new Broker(customize.apply(config), metadataStore, meterRegistry);
    }

    // ---- clients ----

    public Map<String, Object> producerProps(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        props.putAll(overrides);
        return props;
    }

    public Map<String, Object> consumerProps(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        props.putAll(overrides);
        return props;
    }

    public Map<String, Object> adminProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return props;
    }

    public KafkaProducer<String, String> producer(Map<String, Object> overrides) {
        return track(new KafkaProducer<>(producerProps(overrides)));
    }

    /** A consumer without a group (tests use assign()). */
    public KafkaConsumer<String, String> consumer(Map<String, Object> overrides) {
        return track(new KafkaConsumer<>(consumerProps(overrides)));
    }

    public Admin admin() {
        return track(Admin.create(adminProps()));
    }

    private <T extends AutoCloseable> T track(T client) {
        clients.push(client);
        return client;
    }

    /** Creates a topic with replication factor 1 and waits for the result. */
    public void createTopic(Admin admin, String name, int partitions, Map<String, String> configs)
            throws ExecutionException, InterruptedException, TimeoutException {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                .all().get(30, TimeUnit.SECONDS);
    }

    // ---- files ----

    public Path partitionDir(String topic, int partition) {
        return dataDir.resolve(topic + "-" + partition);
    }

    /** The partition's {@code .log} segment files, ordered by base offset. */
    public List<Path> segmentFiles(String topic, int partition) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir(topic, partition))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .sorted(Comparator.comparingLong(BrokerFixture::baseOffset))
                    .toList();
        }
    }

    /** The codec of every batch stored in the partition's segments, oldest first. */
    public List<String> storedCodecs(String topic, int partition) throws IOException {
        List<String> codecs = new ArrayList<>();
        for (Path segment : segmentFiles(topic, partition)) {
            try (FileRecords records = FileRecords.open(segment.toFile())) {
                records.batches().forEach(b -> codecs.add(b.compressionType().name));
            }
        }
        return codecs;
    }

    /** Base offset from a segment file name such as {@code 00000000000000001234.log}. */
    public static long baseOffset(Path segmentFile) {
        String name = segmentFile.getFileName().toString();
        return Long.parseLong(name.substring(0, name.indexOf('.')));
    }

    // ---- consuming ----

    /**
     * Polls until the consumer's position reached {@code endOffsets} for every partition and returns the
     * records per partition in poll order. Fails if that does not happen within {@code timeout}.
     */
    public static Map<TopicPartition, List<ConsumerRecord<String, String>>> pollUntilEnd(
            KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> endOffsets, Duration timeout) {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> out = new HashMap<>();
        endOffsets.keySet().forEach(tp -> out.put(tp, new ArrayList<>()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reachedEnd(consumer, endOffsets)) {
            if (System.nanoTime() > deadline) {
                Map<TopicPartition, Long> positions = new HashMap<>();
                endOffsets.keySet().forEach(tp -> positions.put(tp, consumer.position(tp)));
                throw new AssertionError("Consumer did not reach " + endOffsets + " within " + timeout
                        + "; positions " + positions);
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                out.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new ArrayList<>())
                        .add(record);
            }
        }
        return out;
    }

    private static boolean reachedEnd(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> endOffsets) {
        for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Assigns the consumer to {@code partitions}, reads them from their beginning to their end offsets as of
     * now and returns the records per partition in offset order.
     */
    public static Map<TopicPartition, List<ConsumerRecord<String, String>>> readAll(
            KafkaConsumer<String, String> consumer, Collection<TopicPartition> partitions, Duration timeout) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return pollUntilEnd(consumer, consumer.endOffsets(partitions), timeout);
    }

    /** Seeks to {@code offset} and returns the next {@code count} records of that single assigned partition. */
    public static List<ConsumerRecord<String, String>> readFrom(KafkaConsumer<String, String> consumer,
                                                                TopicPartition tp, long offset, int count,
                                                                Duration timeout) {
        consumer.seek(tp, offset);
        List<ConsumerRecord<String, String>> out = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Read only " + out.size() + " of " + count + " records from "
                        + tp + "@" + offset + " within " + timeout);
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                if (out.size() < count) {
                    out.add(record);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        while (!clients.isEmpty()) {
            AutoCloseable client = clients.pop();
            try {
                if (client instanceof KafkaProducer<?, ?> producer) {
                    producer.close(CLIENT_CLOSE_TIMEOUT);
                } else if (client instanceof KafkaConsumer<?, ?> consumer) {
                    consumer.close(CloseOptions.timeout(CLIENT_CLOSE_TIMEOUT));
                } else if (client instanceof Admin admin) {
                    admin.close(CLIENT_CLOSE_TIMEOUT);
                } else {
                    client.close();
                }
            } catch (Exception e) {
                // Best effort: a client of a halted broker may fail to close cleanly.
            }
        }
        if (brokerRunning) {
            brokerRunning = false;
            broker.close();
        }
    }
}
