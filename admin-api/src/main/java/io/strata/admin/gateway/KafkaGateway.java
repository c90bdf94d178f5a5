package io.strata.admin.gateway;

import io.strata.admin.config.HttpApiProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP layer's only way to the cluster: pooled kafka-clients pointed at the cluster itself, so REST, CLI
 * tools and Kafka clients share one path and requests reach partition leaders on any broker.
 *
 * <p>One {@link Admin} and one shared {@link Producer} are created on first use (the broker of this process
 * binds its listener after the web layer's beans exist) and closed with the application context. Consumers
 * belong to whoever asks for them (one per HTTP consumer instance or stateless read) and are closed by it.
 *
 * <p>Thread-safety: {@link Admin} and {@link Producer} are thread-safe; their lazy creation is guarded by this
 * object's monitor. Consumers are not thread-safe; their owners confine each to one thread at a time.
 */
@Component
public class KafkaGateway implements AutoCloseable {
    /** The shared producer's settings unless {@code strata.http.producer.*} overrides them (README states these). */
    static final Map<String, Object> PRODUCER_DEFAULTS = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.BATCH_SIZE_CONFIG, "65536",
            ProducerConfig.LINGER_MS_CONFIG, "5",
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");

    private final HttpApiProperties properties;
    private final ObjectProvider<KafkaBootstrap> localBroker;
    private final AtomicInteger consumerSequence = new AtomicInteger();
    private Admin admin;
    private Producer<byte[], byte[]> producer;
    private boolean closed;

    public KafkaGateway(HttpApiProperties properties, ObjectProvider<KafkaBootstrap> localBroker) {
        this.properties = properties;
        this.localBroker = localBroker;
        if (blank(properties.bootstrapServers()) && localBroker.getIfAvailable() == null) {
            throw new IllegalStateException("strata.http.bootstrap-servers must be set when this process runs no "
                    + "broker (strata.broker.enabled=false): the HTTP layer reaches the cluster only as a Kafka client");
        }
    }

    public synchronized Admin admin() {
        ensureOpen();
        if (admin == null) {
            Map<String, Object> config = new HashMap<>();
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "strata-http-admin");
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) properties.requestTimeout().toMillis());
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    (int) Math.min(properties.requestTimeout().toMillis(), 15_000));
            config.putAll(properties.admin());
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            admin = Admin.create(config);
        }
        return admin;
    }

    /** The one producer every HTTP produce request shares, so records from many requests batch together. */
    public synchronized Producer<byte[], byte[]> producer() {
        ensureOpen();
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(PRODUCER_DEFAULTS);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "strata-http-producer");
            config.putAll(properties.producer());
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /**
     * A new consumer the caller owns and must close. {@code overrides} are the caller's settings (group id,
     * offset reset, isolation level...), applied over {@code strata.http.consumer.*}.
     */
    public Consumer<byte[], byte[]> newConsumer(String clientIdPrefix, Map<String, Object> overrides) {
        ensureOpen();
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + consumerSequence.incrementAndGet());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.putAll(properties.consumer());
        config.putAll(overrides);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** How long one call on the cluster may take. */
    public Duration requestTimeout() {
        return properties.requestTimeout();
    }

    /**
     * Waits for an admin result and rethrows the Kafka exception that failed it (not the wrapping
     * {@link ExecutionException}), so one mapper can turn it into an HTTP error.
     */
    public <T> T await(KafkaFuture<T> future) {
        try {
            return future.get(properties.requestTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw unwrap(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("The cluster did not answer in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }

    /** The Kafka exception inside {@code e}, as a runtime exception. */
    public static RuntimeException unwrap(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException runtime ? runtime
                : new org.apache.kafka.common.KafkaException(cause.getMessage(), cause);
    }

    private String bootstrapServers() {
        if (!blank(properties.bootstrapServers())) {
            return properties.bootstrapServers();
        }
        return localBroker.getObject().bootstrapServers();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The HTTP layer's Kafka clients are closed (the application is stopping)");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
