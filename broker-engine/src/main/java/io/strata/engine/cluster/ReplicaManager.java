package io.strata.engine.cluster;

import io.strata.engine.config.BrokerLogDefaults;
import io.strata.engine.config.LogConfig;
import io.strata.engine.log.LogManager;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metrics.BrokerMetrics;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The partition replicas this broker hosts, led or followed, and the purgatories where produces and fetches
 * wait on them. Metadata changes (topic created, deleted, reconfigured, leader and ISR changes) arrive
 * through the broker's metadata path, serialized by the broker; request threads only look partitions up in
 * the concurrent map. Follower partitions are handed to the {@link ReplicaFetchControl}.
 */
public final class ReplicaManager implements PartitionListener, BrokerMetrics.ReplicationState {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final int brokerId;
    private final LogManager logManager;
    private final BrokerLogDefaults logDefaults;
    private final DelayedOperationPurgatory fetchPurgatory;
    private final DelayedOperationPurgatory producePurgatory;
    private final Time time;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private volatile ReplicaFetchControl fetchControl = ReplicaFetchControl.NONE;
    private volatile IsrChangeSender isrChangeSender = (partition, expected, proposed) -> {
        throw new IllegalStateException("No ISR change sender for " + partition.topicPartition());
    };
    private volatile Partition.IsrEligibility eligibility = (id, epoch) -> false;
    /** Told of every leadership change after the fetcher was re-targeted (e.g. the group coordinator loads). */
    private final List<Consumer<Partition>> leadershipListeners = new CopyOnWriteArrayList<>();

    /** @param logDefaults the broker's effective topic defaults, static and dynamic (read at each config build) */
    public ReplicaManager(int brokerId, LogManager logManager, BrokerLogDefaults logDefaults,
                          DelayedOperationPurgatory fetchPurgatory, DelayedOperationPurgatory producePurgatory,
                          Time time) {
        this.brokerId = brokerId;
        this.logManager = logManager;
        this.logDefaults = logDefaults;
        this.fetchPurgatory = fetchPurgatory;
        this.producePurgatory = producePurgatory;
        this.time = time;
    }

    /**
     * Connects the replication layer (built after this manager, since it reads partitions from it). Call
     * before the first topic is applied.
     */
    public void connectReplication(ReplicaFetchControl control, IsrChangeSender sender,
                                   Partition.IsrEligibility isrEligibility) {
        this.fetchControl = control;
        this.isrChangeSender = sender;
        this.eligibility = isrEligibility;
    }

    /** Registers a listener for leadership changes of hosted partitions (called on the metadata path). */
    public void addLeadershipListener(Consumer<Partition> listener) {
        leadershipListeners.add(listener);
    }

    public int brokerId() {
        return brokerId;
    }

    public LogConfig logConfig(TopicMetadata topic) {
        return logDefaults.logConfig(topic.configs());
    }

    /**
     * Recomputes the config of every hosted log of the topic from its overrides and the current broker-wide
     * defaults (after a dynamic broker config changed); leadership is left as it is.
     */
    public void updateLogConfigs(TopicMetadata topic) {
        LogConfig config = logConfig(topic);
        for (PartitionMetadata p : topic.partitions()) {
            Partition hosted = partitions.get(new TopicPartition(topic.name(), p.partition()));
            if (hosted != null && hosted.topicId().equals(topic.id())) {
                hosted.log().updateConfig(config);
            }
        }
    }

    /** The replica of {@code tp} hosted here, led or not. */
    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    /**
     * The partition if this broker leads it.
     *
     * @return empty if no replica is hosted here
     * @throws NotLeaderOrFollowerException if a replica is hosted here but another broker (or none) leads
     */
    public Optional<Partition> leaderPartition(TopicPartition tp) {
        Partition partition = partitions.get(tp);
        if (partition != null) {
            partition.checkLeader();
        }
        return Optional.ofNullable(partition);
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    public DelayedOperationPurgatory fetchPurgatory() {
        return fetchPurgatory;
    }

    /** Acks=all produces, and DeleteRecords waiting for the low watermark. */
    public DelayedOperationPurgatory producePurgatory() {
        return producePurgatory;
    }

    /**
     * Opens (or creates) the logs of every partition of the topic with a replica on this broker and applies
     * each one's leader and ISR: leaders start tracking followers, followers start fetching.
     */
    public void applyTopic(TopicMetadata topic) {
        LogConfig config = logConfig(topic);
        long now = time.milliseconds();
        for (PartitionMetadata p : topic.partitions()) {
            TopicPartition tp = new TopicPartition(topic.name(), p.partition());
            Partition existing = partitions.get(tp);
            if (!p.replicas().contains(brokerId)) {
                if (existing != null) { // moved away (reassignment): nothing else of it stays here
                    removePartition(tp);
                }
                continue;
            }
            if (existing != null && existing.topicId().equals(topic.id())) {
                existing.log().updateConfig(config);
                existing.apply(p, now);
                continue;
            }
            try {
                PartitionLog partitionLog = logManager.getOrCreateLog(tp, topic.id(), config);
                partitionLog.updateConfig(config); // a log recovered at start-up may have been opened with an older one
                Partition partition = new Partition(tp, topic.id(), partitionLog, brokerId, p, this,
                        (part, expected, proposed) -> isrChangeSender.submit(part, expected, proposed),
                        (id, epoch) -> eligibility.eligible(id, epoch), now);
                partitions.put(tp, partition);
                notifyLeadershipListeners(partition);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot open log of " + tp, e);
            }
        }
    }

    /** Drops the topic's partitions and deletes their logs. */
    public void removeTopic(String topic) {
        for (TopicPartition tp : partitions.keySet()) {
            if (tp.topic().equals(topic)) {
                removePartition(tp);
            }
        }
    }

    private void removePartition(TopicPartition tp) {
        fetchControl.unfollow(tp);
        partitions.remove(tp);
        logManager.deleteLog(tp);
        onHighWatermarkAdvanced(tp); // parked produces and fetches answer NOT_LEADER_OR_FOLLOWER / UNKNOWN_TOPIC
        log.info("Deleted partition {}", tp);
    }

    @Override
    public int partitionCount() {
        return partitions.size();
    }

    @Override
    public int leaderCount() {
        return (int) partitions.values().stream().filter(Partition::isLeader).count();
    }

    @Override
    public int underReplicatedCount() {
        return (int) partitions.values().stream().filter(p -> p.isLeader() && p.isUnderReplicated()).count();
    }

    @Override
    public int underMinIsrCount() {
        return (int) partitions.values().stream().filter(p -> p.isLeader() && p.isUnderMinIsr()).count();
    }

    @Override
    public int offlineCount() {
        return (int) partitions.values().stream().filter(p -> p.role() == Partition.Role.OFFLINE).count();
    }

    /** Shrinks the ISR of every led partition whose followers lag more than {@code lagTimeMaxMs}. */
    public void maybeShrinkIsrs(long lagTimeMaxMs) {
        long now = time.milliseconds();
        for (Partition partition : partitions.values()) {
            try {
                partition.maybeShrinkIsr(now, lagTimeMaxMs);
            } catch (RuntimeException e) {
                log.warn("ISR check of {} failed", partition.topicPartition(), e);
            }
        }
    }

    /** Wakes fetches and produces waiting on a partition after its data or high watermark moved. */
    public void onHighWatermarkAdvanced(TopicPartition tp) {
        fetchPurgatory.checkAndComplete(tp);
        producePurgatory.checkAndComplete(tp);
    }

    /** Wakes followers' fetches parked on a partition that just got new records (before they are committed). */
    public void onAppended(TopicPartition tp) {
        fetchPurgatory.checkAppended(tp);
    }

    @Override
    public void onHighWatermarkAdvanced(Partition partition) {
        onHighWatermarkAdvanced(partition.topicPartition());
    }

    /** Wakes DeleteRecords waiting (in the produce purgatory) for the partition's low watermark. */
    @Override
    public void onLowWatermarkMayHaveAdvanced(Partition partition) {
        producePurgatory.checkAndComplete(partition.topicPartition());
    }

    /** Points the fetcher at the new leader (or stops it) and wakes what waits on the partition. */
    @Override
    public void onLeadershipChanged(Partition partition) {
        TopicPartition tp = partition.topicPartition();
        Partition hosted = partitions.get(tp);
        if (hosted == null || hosted == partition) { // null: the partition is being created
            if (partition.role() == Partition.Role.FOLLOWER) {
                fetchControl.follow(partition, partition.state().leader());
            } else {
                fetchControl.unfollow(tp);
            }
            if (hosted != null) { // a partition being created is announced once it is in the map
                notifyLeadershipListeners(partition);
            }
        }
        onHighWatermarkAdvanced(tp);
    }

    private void notifyLeadershipListeners(Partition partition) {
        for (Consumer<Partition> listener : leadershipListeners) {
            listener.accept(partition);
        }
    }
}
