package io.strata.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import java.util.function.IntSupplier;

/**
 * The broker's Micrometer meters. Meters are created lazily per topic / API and cached, so the hot
 * path costs a map lookup and an atomic add. Thread-safe.
 */
public final class BrokerMetrics {
    private final MeterRegistry registry;
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
    private final Map<ApiKeys, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Map<ApiKeys, Counter> requestErrors = new ConcurrentHashMap<>();
    private final Map<String, Counter> retentionDeletions = new ConcurrentHashMap<>();
    private final Counter isrShrinks;
    private final Counter isrExpands;
    private volatile LogFlushes logFlushes;
    /** The running broker's fetch sessions (null while none runs): the gauges, registered once, read it. */
    private volatile FetchSessionCounts fetchSessions;

    public BrokerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.isrShrinks = Counter.builder("strata.isr.shrinks")
                .description("ISR shrinks this broker wrote as partition leader").register(registry);
        this.isrExpands = Counter.builder("strata.isr.expands")
                .description("ISR expansions this broker wrote as partition leader").register(registry);
        Gauge.builder("strata.fetch.sessions", () -> fetchSessionCount(c -> c.sessions().getAsInt()))
                .description("Incremental fetch sessions cached (Kafka's NumIncrementalFetchSessions)")
                .register(registry);
        Gauge.builder("strata.fetch.session.partitions", () -> fetchSessionCount(c -> c.partitions().getAsLong()))
                .description("Partitions cached over all fetch sessions").register(registry);
        FunctionCounter.builder("strata.fetch.session.evictions", this,
                        m -> m.fetchSessionCount(c -> c.evictions().getAsLong()))
                .description("Fetch sessions evicted to make room for another").register(registry);
    }

    /** The fetch session gauges of the broker now running (a restarted broker registers its own). */
    public void registerFetchSessions(IntSupplier sessions, LongSupplier partitions, LongSupplier evictions) {
        fetchSessions = new FetchSessionCounts(sessions, partitions, evictions);
    }

    private record FetchSessionCounts(IntSupplier sessions, LongSupplier partitions, LongSupplier evictions) {
    }

    private double fetchSessionCount(ToLongFunction<FetchSessionCounts> value) {
        FetchSessionCounts current = fetchSessions;
        return current == null ? 0 : value.applyAsLong(current);
    }

    public void recordIsrShrink() {
        isrShrinks.increment();
    }

    public void recordIsrExpand() {
        isrExpands.increment();
    }

    /** What the replication gauges read, evaluated at each scrape (implemented by the replica manager). */
    public interface ReplicationState {
        /** Partitions hosted here, led or followed. */
        int partitionCount();

        int leaderCount();

        /** Led partitions with a replica outside the ISR. */
        int underReplicatedCount();

        /** Led partitions whose ISR is below the effective min.insync.replicas. */
        int underMinIsrCount();

        /** Partitions with a replica here and no leader. */
        int offlineCount();
    }

    /**
     * Kafka's ReplicaManager gauges, one value per broker.
     *
     * @param state          the current state, or null while the broker is not started (gauges read 0)
     * @param maxFollowerLag messages the most lagging followed partition is behind its leader's high watermark
     */
    public void registerReplication(Supplier<? extends ReplicationState> state, LongSupplier maxFollowerLag) {
        gauge("strata.partitions", "Partitions with a replica on this broker", state, ReplicationState::partitionCount);
        gauge("strata.partitions.leader", "Partitions this broker leads", state, ReplicationState::leaderCount);
        gauge("strata.partitions.under.replicated", "Led partitions with a replica outside the ISR", state,
                ReplicationState::underReplicatedCount);
        gauge("strata.partitions.under.min.isr", "Led partitions whose ISR is below min.insync.replicas", state,
                ReplicationState::underMinIsrCount);
        gauge("strata.partitions.offline", "Partitions with a replica here and no leader", state,
                ReplicationState::offlineCount);
        Gauge.builder("strata.replica.fetcher.max.lag", maxFollowerLag::getAsLong)
                .description("Messages the most lagging followed partition is behind its leader").register(registry);
    }

    /**
     * {@code strata_log_flush_seconds}: the logs' fsync passes (Kafka's LogFlushRateAndTimeMs), as a count and
     * their total time. One pass forces what one log wrote since its last, for every acknowledgement waiting on it.
     */
    public void registerLogFlushes(LongSupplier passes, LongSupplier totalNanos) {
        // The registry holds the measured object weakly: this field keeps it alive.
        logFlushes = new LogFlushes(passes, totalNanos);
        FunctionTimer.builder("strata.log.flush", logFlushes, f -> f.passes().getAsLong(),
                        f -> f.totalNanos().getAsLong(), TimeUnit.NANOSECONDS)
                .description("fsync passes over the logs and their total time")
                .register(registry);
    }

    private record LogFlushes(LongSupplier passes, LongSupplier totalNanos) {
    }

    private void gauge(String name, String description, Supplier<? extends ReplicationState> state,
                       ToIntFunction<ReplicationState> value) {
        Gauge.builder(name, () -> {
            ReplicationState current = state.get();
            return current == null ? 0 : value.applyAsInt(current);
        }).description(description).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** {@code strata_controller_active}: 1 while this broker holds the controller lease, else 0. */
    public void registerControllerActive(BooleanSupplier active) {
        Gauge.builder("strata.controller.active", () -> active.getAsBoolean() ? 1 : 0)
                .description("1 while this broker is the active controller, else 0")
                .register(registry);
    }

    /** {@code strata_controller_fenced_brokers}: brokers the active controller holds fenced (0 on other brokers). */
    public void registerFencedBrokers(IntSupplier fenced) {
        Gauge.builder("strata.controller.fenced.brokers", fenced::getAsInt)
                .description("Brokers fenced by this broker as the active controller (0 when not the controller)")
                .register(registry);
    }

    /** One request served, from receipt to response written to the socket buffer. */
    public void recordRequest(ApiKeys api, long latencyNanos, boolean failed) {
        requestTimers.computeIfAbsent(api, a -> Timer.builder("strata.requests")
                .description("Kafka requests served, by API")
                .tag("api", a.name)
                .publishPercentileHistogram(false)
                .register(registry)).record(latencyNanos, TimeUnit.NANOSECONDS);
        if (failed) {
            requestErrors.computeIfAbsent(api, a -> Counter.builder("strata.request.errors")
                    .description("Kafka requests that failed as a whole, by API")
                    .tag("api", a.name)
                    .register(registry)).increment();
        }
    }

    /** Bytes and records appended to a topic by producers. */
    public void recordIn(String topic, long bytes, long records) {
        TopicMeters meters = topic(topic);
        meters.bytesIn.increment(bytes);
        meters.messagesIn.increment(records);
    }

    /** Bytes and records returned to fetchers of a topic. */
    public void recordOut(String topic, long bytes, long records) {
        TopicMeters meters = topic(topic);
        meters.bytesOut.increment(bytes);
        meters.messagesOut.increment(records);
    }

    /**
     * {@code strata_log_retention_segments_deleted_total}: segments retention deleted, by topic and reason
     * (retention-ms, retention-bytes, log-start-offset).
     */
    public void recordRetentionDeletion(String topic, String reason, int segments) {
        retentionDeletions.computeIfAbsent(topic + '\0' + reason, k -> Counter.builder("strata.log.retention.segments.deleted")
                .description("Log segments deleted by retention, by topic and reason")
                .tag("topic", topic).tag("reason", reason)
                .register(registry)).increment(segments);
    }

    /** Drops a deleted topic's meters so they stop being exported. */
    public void removeTopic(String topic) {
        TopicMeters meters = topics.remove(topic);
        if (meters != null) {
            registry.remove(meters.bytesIn);
            registry.remove(meters.bytesOut);
            registry.remove(meters.messagesIn);
            registry.remove(meters.messagesOut);
        }
        retentionDeletions.entrySet().removeIf(e -> {
            boolean ofTopic = e.getKey().startsWith(topic + '\0');
            if (ofTopic) {
                registry.remove(e.getValue());
            }
            return ofTopic;
        });
    }

    private TopicMeters topic(String topic) {
        return topics.computeIfAbsent(topic, t -> new TopicMeters(
                counter("strata.topic.bytes.in", "Bytes appended to the topic", t),
                counter("strata.topic.bytes.out", "Bytes fetched from the topic", t),
                counter("strata.topic.messages.in", "Records appended to the topic", t),
                counter("strata.topic.messages.out", "Records fetched from the topic", t)));
    }

    private Counter counter(String name, String description, String topic) {
        return Counter.builder(name).description(description).tag("topic", topic).register(registry);
    }

    private record TopicMeters(Counter bytesIn, Counter bytesOut, Counter messagesIn, Counter messagesOut) {
    }
}
