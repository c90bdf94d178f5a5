package io.strata.admin.service.consumer;

import io.strata.admin.config.HttpApiProperties;
import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import io.strata.admin.service.HttpRecordMetrics;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * The v2 consumer instances of this node, by group and name. Each owns one consumer from the gateway; idle
 * instances (no request for {@code strata.http.consumer-instance-timeout}) are closed by one reaper thread this
 * registry starts and stops. The reaper never interrupts a request: it closes only instances whose lock it gets
 * at once, and re-checks their idleness under it.
 *
 * <p>Instances are made from a {@link ConsumerInstanceDefinition} alone, so a later step can keep definitions in
 * a compacted topic and recreate an instance on another node.
 */
@Service
public class ConsumerInstanceRegistry {
    private static final Logger log = LoggerFactory.getLogger(ConsumerInstanceRegistry.class);
    /** Short, so a member that vanished (node down) leaves its group quickly; the broker's minimum permitting. */
    static final int SESSION_TIMEOUT_MS = 10_000;
    static final int HEARTBEAT_INTERVAL_MS = 3_000;

    private final Map<Key, ConsumerInstance> instances = new ConcurrentHashMap<>();
    private final BiFunction<String, Map<String, Object>, Consumer<byte[], byte[]>> consumers;
    private final Map<String, String> configuredConsumer;
    private final Duration idleTimeout;
    private final LongSupplier clock;
    private final ScheduledExecutorService reaper;

    @Autowired
    public ConsumerInstanceRegistry(KafkaGateway gateway, HttpApiProperties properties, HttpRecordMetrics metrics) {
        this(gateway::newConsumer, properties.consumer(), properties.consumerInstanceTimeout(), System::nanoTime);
        metrics.consumerInstances(instances::size);
    }

    ConsumerInstanceRegistry(BiFunction<String, Map<String, Object>, Consumer<byte[], byte[]>> consumers,
                             Map<String, String> configuredConsumer, Duration idleTimeout, LongSupplier clock) {
        this.consumers = consumers;
        this.configuredConsumer = configuredConsumer;
        this.idleTimeout = idleTimeout;
        this.clock = clock;
        this.reaper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "strata-http-consumer-reaper");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(100, Math.min(idleTimeout.toMillis() / 10, 10_000));
        reaper.scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /** A new instance; 409/40902 when the group already has one of that name. */
    public ConsumerInstance create(ConsumerInstanceDefinition definition) {
        Key key = new Key(definition.group(), definition.name());
        if (instances.containsKey(key)) {
            throw nameTaken(definition);
        }
        Consumer<byte[], byte[]> consumer = consumers.apply("strata-http-" + definition.group() + "-" + definition.name(),
                consumerConfig(definition));
        ConsumerInstance instance = new ConsumerInstance(definition, consumer, clock);
        if (instances.putIfAbsent(key, instance) != null) {
            consumer.close(Duration.ZERO);
            throw nameTaken(definition);
        }
        return instance;
    }

    /** The instance; 404/40403 when there is none (never created, deleted, or expired). */
    public ConsumerInstance get(String group, String name) {
        ConsumerInstance instance = instances.get(new Key(group, name));
        if (instance == null) {
            throw instanceNotFound(group, name);
        }
        return instance;
    }

    /** Closes and forgets the instance (after a request in progress on it); 404/40403 when there is none. */
    public void delete(String group, String name) {
        ConsumerInstance instance = instances.remove(new Key(group, name));
        if (instance == null) {
            throw instanceNotFound(group, name);
        }
        instance.close(idleTimeout, false);
    }

    public int size() {
        return instances.size();
    }

    /** The reaper's pass; package-private so tests can run it. */
    void closeIdle() {
        for (Map.Entry<Key, ConsumerInstance> entry : List.copyOf(instances.entrySet())) {
            ConsumerInstance instance = entry.getValue();
            try {
                if (instance.idleFor(idleTimeout) && instance.close(idleTimeout, true)) {
                    instances.remove(entry.getKey(), instance);
                    log.info("Closed HTTP consumer instance {} of group {} after {} idle", entry.getKey().name(),
                            entry.getKey().group(), idleTimeout);
                }
            } catch (RuntimeException e) {
                instances.remove(entry.getKey(), instance);
                log.warn("Closing idle HTTP consumer instance {} failed", entry.getKey().name(), e);
            }
        }
    }

    @PreDestroy
    public void close() {
        reaper.shutdown();
        try {
            reaper.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Key key : List.copyOf(instances.keySet())) {
            ConsumerInstance instance = instances.remove(key);
            if (instance != null) {
                try {
                    instance.close(idleTimeout, false);
                } catch (RuntimeException e) {
                    log.warn("Closing HTTP consumer instance {} failed", key.name(), e);
                }
            }
        }
    }

    /** The consumer's settings from the definition; the short session applies unless configured otherwise. */
    Map<String, Object> consumerConfig(ConsumerInstanceDefinition definition) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, definition.group());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, definition.autoOffsetReset());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, definition.isolationLevel());
        // Offsets are committed by the instance (only records it returned), never by the client's auto commit.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (definition.fetchMinBytes() != null) {
            config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, definition.fetchMinBytes());
        }
        if (!configuredConsumer.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        }
        if (!configuredConsumer.containsKey(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)) {
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
        }
        if (!configuredConsumer.containsKey(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG)) {
            // HTTP clients poll when they like: the member stays in its group as long as the instance lives.
            config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                    (int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis() + 30_000));
        }
        return config;
    }

    public static RestException instanceNotFound(String group, String name) {
        return new RestException(HttpStatus.NOT_FOUND, 40403,
                "Consumer instance not found: " + name + " in group " + group + ".");
    }

    private static RestException nameTaken(ConsumerInstanceDefinition definition) {
        return new RestException(HttpStatus.CONFLICT, 40902, "Consumer with specified consumer ID "
                + definition.name() + " already exists in group " + definition.group() + ".");
    }

    private record Key(String group, String name) {
    }
}
