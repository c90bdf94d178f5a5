package io.strata.engine.metadata;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A non-durable {@link MetadataStore} for engine tests and embedding without a database. It behaves like
 * the database store: every change takes the next metadata version, deletions leave versioned tombstones,
 * broker epochs are metadata versions, and liveness and the controller lease (which lasts the session timeout)
 * are judged by this store's clock (settable in tests).
 * Thread-safe: every method synchronizes on this.
 */
public final class InMemoryMetadataStore implements MetadataStore {
    /** Kafka's {@code broker.session.timeout.ms} default. */
    public static final long DEFAULT_SESSION_TIMEOUT_MS = 9_000;

    private final String clusterId = Uuid.randomUuid().toString();
    private final LongSupplier clockMs;
    private final long sessionTimeoutMs;
    private final Map<Integer, Versioned<BrokerRegistration>> brokers = new HashMap<>();
    private final Map<Integer, Long> lastHeartbeatMs = new HashMap<>();
    private final Map<String, Versioned<TopicMetadata>> topicsByName = new HashMap<>();
    private final List<Versioned<Uuid>> tombstones = new ArrayList<>();
    private final AtomicLong nextProducerId = new AtomicLong();
    private long version;
    private BrokerConfigs brokerConfigs = BrokerConfigs.EMPTY;
    /** The version of the last change to any dynamic broker config (0: never changed). */
    private long brokerConfigsVersion;
    private FinalizedFeatures features = FinalizedFeatures.NONE;
    /** The controller lease row: holder ({@link ControllerLease#NO_CONTROLLER} if never taken), epoch, renewal time. */
    private int controllerHolder = ControllerLease.NO_CONTROLLER;
    private long controllerEpoch;
    private long controllerRenewedMs;

    public InMemoryMetadataStore() {
        this(System::currentTimeMillis, DEFAULT_SESSION_TIMEOUT_MS);
    }

    /**
     * @param clockMs          the store's clock, which alone judges liveness
     * @param sessionTimeoutMs how long after its last heartbeat a broker stays live
     */
    public InMemoryMetadataStore(LongSupplier clockMs, long sessionTimeoutMs) {
        this.clockMs = clockMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    @Override
    public String clusterId() {
        return clusterId;
    }

    @Override
    public synchronized BrokerRegistration registerBroker(BrokerRegistration broker) {
        long epoch = ++version;
        BrokerRegistration stored = broker.withEpoch(epoch).withLive(true).withShuttingDown(false);
        brokers.put(broker.brokerId(), new Versioned<>(epoch, stored));
        lastHeartbeatMs.put(broker.brokerId(), clockMs.getAsLong());
        return stored;
    }

    @Override
    public synchronized void heartbeat(int brokerId, long brokerEpoch) {
        currentRegistration(brokerId, brokerEpoch, "heartbeated");
        lastHeartbeatMs.put(brokerId, clockMs.getAsLong());
    }

    @Override
    public synchronized void requestControlledShutdown(int brokerId, long brokerEpoch) {
        Versioned<BrokerRegistration> current = currentRegistration(brokerId, brokerEpoch, "requested controlled shutdown");
        if (!current.value.shuttingDown()) {
            brokers.put(brokerId, new Versioned<>(++version, current.value.withShuttingDown(true)));
        }
    }

    private Versioned<BrokerRegistration> currentRegistration(int brokerId, long brokerEpoch, String what) {
        Versioned<BrokerRegistration> current = brokers.get(brokerId);
        if (current == null || current.value.epoch() != brokerEpoch) {
            throw new StaleBrokerEpochException("Broker " + brokerId + " " + what + " with epoch " + brokerEpoch
                    + " but its current registration has epoch "
                    + (current == null ? "none" : String.valueOf(current.value.epoch())));
        }
        return current;
    }

    @Override
    public synchronized List<BrokerRegistration> brokers() {
        Set<Integer> live = liveBrokerIds();
        return brokers.values().stream().map(v -> v.value.withLive(live.contains(v.value.brokerId())))
                .sorted(Comparator.comparingInt(BrokerRegistration::brokerId)).toList();
    }

    @Override
    public synchronized MetadataDelta changesSince(long since) {
        Set<Integer> live = liveBrokerIds();
        List<BrokerRegistration> changedBrokers = brokers.values().stream().filter(v -> v.version > since)
                .map(v -> v.value.withLive(live.contains(v.value.brokerId()))).toList();
        List<TopicMetadata> changedTopics = topicsByName.values().stream().filter(v -> v.version > since)
                .map(v -> v.value).toList();
        List<Uuid> deleted = tombstones.stream().filter(v -> v.version > since).map(v -> v.value).toList();
        int controllerId = controller().map(ControllerLease::brokerId).orElse(ControllerLease.NO_CONTROLLER);
        Optional<BrokerConfigs> configs = since <= 0 || brokerConfigsVersion > since
                ? Optional.of(brokerConfigs) : Optional.empty();
        Optional<FinalizedFeatures> changedFeatures = since <= 0 || features.epoch() > since
                ? Optional.of(features) : Optional.empty();
        return new MetadataDelta(version, changedBrokers, changedTopics, deleted, live, controllerId, configs,
                changedFeatures);
    }

    @Override
    public synchronized Optional<ControllerLease> tryAcquireController(int brokerId, long brokerEpoch) {
        Versioned<BrokerRegistration> registration = brokers.get(brokerId);
        if (registration == null || registration.value.epoch() != brokerEpoch || !liveBrokerIds().contains(brokerId)) {
            return Optional.empty();
        }
        if (controller().filter(lease -> lease.brokerId() != brokerId).isPresent()) {
            return Optional.empty();
        }
        controllerHolder = brokerId;
        controllerEpoch++;
        controllerRenewedMs = clockMs.getAsLong();
        return Optional.of(new ControllerLease(brokerId, controllerEpoch, sessionTimeoutMs));
    }

    @Override
    public synchronized Optional<ControllerLease> renewController(int brokerId, long epoch) {
        if (controllerHolder != brokerId || controllerEpoch != epoch) {
            return Optional.empty();
        }
        controllerRenewedMs = clockMs.getAsLong();
        return Optional.of(new ControllerLease(brokerId, epoch, sessionTimeoutMs));
    }

    @Override
    public synchronized void releaseController(int brokerId, long epoch) {
        if (controllerHolder == brokerId && controllerEpoch == epoch) {
            controllerHolder = ControllerLease.NO_CONTROLLER;
        }
    }

    @Override
    public synchronized Optional<ControllerLease> controller() {
        if (controllerHolder == ControllerLease.NO_CONTROLLER
                || clockMs.getAsLong() - controllerRenewedMs > sessionTimeoutMs) {
            return Optional.empty();
        }
        return Optional.of(new ControllerLease(controllerHolder, controllerEpoch, sessionTimeoutMs));
    }

    /** Runs {@code write} under this store's lock, so no acquisition can come between the check and the write. */
    @Override
    public synchronized <T> T asController(long epoch, Supplier<T> write) {
        if (epoch != controllerEpoch) {
            throw new NotControllerException("Controller epoch " + epoch + " is stale: the lease carries epoch "
                    + controllerEpoch + " (held by broker " + controllerHolder + ")");
        }
        return write.get();
    }

    private Set<Integer> liveBrokerIds() {
        long now = clockMs.getAsLong();
        Set<Integer> live = new HashSet<>();
        lastHeartbeatMs.forEach((id, last) -> {
            if (now - last <= sessionTimeoutMs) {
                live.add(id);
            }
        });
        return live;
    }

    @Override
    public synchronized List<TopicMetadata> topics() {
        return topicsByName.values().stream().map(v -> v.value).toList();
    }

    @Override
    public synchronized Optional<TopicMetadata> topic(String name) {
        return Optional.ofNullable(topicsByName.get(name)).map(v -> v.value);
    }

    @Override
    public synchronized Optional<TopicMetadata> topic(Uuid id) {
        return topicsByName.values().stream().map(v -> v.value).filter(t -> t.id().equals(id)).findFirst();
    }

    @Override
    public synchronized TopicMetadata createTopic(String name, Map<String, String> configs,
                                                  List<PartitionMetadata> partitions) {
        if (topicsByName.containsKey(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        return put(new TopicMetadata(Uuid.randomUuid(), name, configs, partitions));
    }

    @Override
    public synchronized void deleteTopic(Uuid id) {
        topic(id).ifPresent(t -> {
            topicsByName.remove(t.name());
            tombstones.add(new Versioned<>(++version, id));
        });
    }

    @Override
    public synchronized TopicMetadata addPartitions(Uuid id, List<PartitionMetadata> newPartitions) {
        TopicMetadata current = topic(id).orElseThrow();
        List<PartitionMetadata> all = new ArrayList<>(current.partitions());
        all.addAll(newPartitions);
        return put(new TopicMetadata(id, current.name(), current.configs(), all));
    }

    @Override
    public synchronized TopicMetadata replaceTopicConfigs(Uuid id, Map<String, String> configs) {
        TopicMetadata current = topic(id).orElseThrow();
        return put(new TopicMetadata(id, current.name(), configs, current.partitions()));
    }

    @Override
    public synchronized FinalizedFeatures finalizedFeatures() {
        return features;
    }

    @Override
    public synchronized FinalizedFeatures updateFeatures(Map<String, Short> levels) {
        Map<String, Short> next = new HashMap<>(features.levels());
        levels.forEach((name, level) -> {
            if (level <= 0) {
                next.remove(name);
            } else {
                next.put(name, level);
            }
        });
        features = new FinalizedFeatures(++version, next);
        return features;
    }

    @Override
    public synchronized FinalizedFeatures bootstrapFeatures(Map<String, Short> defaults) {
        return features.epoch() < 0 ? updateFeatures(defaults) : features;
    }

    @Override
    public synchronized BrokerConfigs brokerConfigs() {
        return brokerConfigs;
    }

    @Override
    public synchronized BrokerConfigs replaceBrokerConfigs(OptionalInt brokerId, Map<String, String> configs) {
        brokerConfigs = brokerConfigs.with(brokerId, configs);
        brokerConfigsVersion = ++version;
        return brokerConfigs;
    }

    @Override
    public synchronized Optional<PartitionMetadata> compareAndSetPartition(Uuid topicId, int expectedPartitionEpoch,
                                                                         PartitionMetadata next) {
        Optional<TopicMetadata> current = topic(topicId);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        List<PartitionMetadata> all = new ArrayList<>(current.get().partitions());
        int index = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).partition() == next.partition()) {
                index = i;
            }
        }
        if (index < 0 || all.get(index).partitionEpoch() != expectedPartitionEpoch) {
            return Optional.empty();
        }
        PartitionMetadata stored = new PartitionMetadata(next.partition(), next.leader(), next.leaderEpoch(),
                next.replicas(), next.isr(), expectedPartitionEpoch + 1);
        all.set(index, stored);
        TopicMetadata topic = current.get();
        put(new TopicMetadata(topicId, topic.name(), topic.configs(), all));
        return Optional.of(stored);
    }

    private TopicMetadata put(TopicMetadata topic) {
        topicsByName.put(topic.name(), new Versioned<>(++version, topic));
        return topic;
    }

    @Override
    public long allocateProducerIds(int count) {
        return nextProducerId.getAndAdd(count);
    }

    private record Versioned<T>(long version, T value) {
    }
}
