package io.strata.engine.cluster;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.LogManager;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions this broker hosts. Metadata changes (topic created, deleted, reconfigured) arrive
 * through the broker's metadata path, serialized by the broker; request threads only look partitions
 * up in the concurrent map.
 */
public final class ReplicaManager {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final int brokerId;
    private final LogManager logManager;
    private final Map<String, String> logDefaults;
    private final DelayedOperationPurgatory fetchPurgatory;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();

    public ReplicaManager(int brokerId, LogManager logManager, Map<String, String> logDefaults,
                          DelayedOperationPurgatory fetchPurgatory) {
        this.brokerId = brokerId;
        this.logManager = logManager;
        this.logDefaults = Map.copyOf(logDefaults);
        this.fetchPurgatory = fetchPurgatory;
    }

    public LogConfig logConfig(TopicMetadata topic) {
        return LogConfig.from(logDefaults, topic.configs());
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    public DelayedOperationPurgatory fetchPurgatory() {
        return fetchPurgatory;
    }

    /** Opens (or creates) the logs of every partition of the topic this broker leads. */
    public void applyTopic(TopicMetadata topic) {
        LogConfig config = logConfig(topic);
        for (PartitionMetadata p : topic.partitions()) {
            if (p.leader() != brokerId) {
                continue;
            }
            TopicPartition tp = new TopicPartition(topic.name(), p.partition());
            Partition existing = partitions.get(tp);
            if (existing != null && existing.topicId().equals(topic.id())) {
                existing.log().updateConfig(config);
                existing.becomeLeader(p.leaderEpoch());
                continue;
            }
            try {
                PartitionLog partitionLog = logManager.getOrCreateLog(tp, topic.id(), config);
                Partition partition = new Partition(tp, topic.id(), partitionLog, p.leaderEpoch());
                partition.advanceHighWatermark();
                partitions.put(tp, partition);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot open log of " + tp, e);
            }
        }
    }

    /** Drops the topic's partitions and deletes their logs. */
    public void removeTopic(String topic) {
        partitions.keySet().removeIf(tp -> {
            if (!tp.topic().equals(topic)) {
                return false;
            }
            logManager.deleteLog(tp);
            log.info("Deleted partition {}", tp);
            return true;
        });
    }

    /** Wakes fetches waiting on a partition after its high watermark moved. */
    public void onHighWatermarkAdvanced(TopicPartition tp) {
        fetchPurgatory.checkAndComplete(tp);
    }
}
