package io.strata.engine.config;

/**
 * Group coordinator settings, named after the Kafka broker configs they mirror.
 *
 * @param offsetsTopicPartitions          partitions of {@code __consumer_offsets} ({@code offsets.topic.num.partitions})
 * @param offsetsTopicReplicationFactor   its replication factor ({@code offsets.topic.replication.factor}); not
 *                                        capped: until that many brokers are live the topic is not created and
 *                                        FindCoordinator answers COORDINATOR_NOT_AVAILABLE, so it is never
 *                                        created under-replicated for good
 * @param offsetsTopicSegmentBytes        its segment size ({@code offsets.topic.segment.bytes}); the log cleaner
 *                                        compacts the topic like any compacted topic
 * @param initialRebalanceDelayMs         how long the first join of an empty group waits for more members
 * @param minSessionTimeoutMs             smallest session timeout a member may ask for
 * @param maxSessionTimeoutMs             largest session timeout a member may ask for
 * @param maxSize                         members a group may have
 * @param offsetMetadataMaxBytes          longest metadata string of a committed offset
 * @param offsetsRetentionMinutes         how long offsets of an empty group are kept
 * @param offsetsRetentionCheckIntervalMs how often expired offsets and dead groups are cleaned up
 * @param coordinatorThreads              threads the coordinator runtime runs partitions' operations on
 *                                        ({@code group.coordinator.threads}; Kafka's default is 4, ours 1: a
 *                                        partition's operations are short, and fsyncs run elsewhere)
 */
public record GroupConfig(int offsetsTopicPartitions, short offsetsTopicReplicationFactor,
                          int offsetsTopicSegmentBytes, int initialRebalanceDelayMs, int minSessionTimeoutMs,
                          int maxSessionTimeoutMs, int maxSize, int offsetMetadataMaxBytes,
                          long offsetsRetentionMinutes, long offsetsRetentionCheckIntervalMs, int coordinatorThreads) {
    public static final int DEFAULT_COORDINATOR_THREADS = 1;

    /** The settings with the default {@code group.coordinator.threads}. */
    public GroupConfig(int offsetsTopicPartitions, short offsetsTopicReplicationFactor, int offsetsTopicSegmentBytes,
                       int initialRebalanceDelayMs, int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxSize,
                       int offsetMetadataMaxBytes, long offsetsRetentionMinutes, long offsetsRetentionCheckIntervalMs) {
        this(offsetsTopicPartitions, offsetsTopicReplicationFactor, offsetsTopicSegmentBytes, initialRebalanceDelayMs,
                minSessionTimeoutMs, maxSessionTimeoutMs, maxSize, offsetMetadataMaxBytes, offsetsRetentionMinutes,
                offsetsRetentionCheckIntervalMs, DEFAULT_COORDINATOR_THREADS);
    }

    public GroupConfig {
        if (offsetsTopicPartitions < 1) {
            throw new IllegalArgumentException("offsets.topic.num.partitions must be at least 1");
        }
        if (offsetsTopicReplicationFactor < 1) {
            throw new IllegalArgumentException("offsets.topic.replication.factor must be at least 1");
        }
        if (minSessionTimeoutMs > maxSessionTimeoutMs) {
            throw new IllegalArgumentException("group.min.session.timeout.ms exceeds group.max.session.timeout.ms");
        }
        if (initialRebalanceDelayMs < 0 || offsetsRetentionMinutes < 1 || offsetsRetentionCheckIntervalMs < 1
                || maxSize < 1 || offsetMetadataMaxBytes < 0 || coordinatorThreads < 1) {
            throw new IllegalArgumentException("Group coordinator settings must be positive");
        }
    }

    /** Kafka's defaults (replication factor 3: a single broker needs {@link #withOffsetsTopicReplicationFactor}). */
    public static GroupConfig defaults() {
        return new GroupConfig(50, (short) 3, 100 * 1024 * 1024, 3_000, 6_000, 1_800_000, Integer.MAX_VALUE,
                4096, 7 * 24 * 60, 600_000);
    }

    public GroupConfig withInitialRebalanceDelayMs(int delayMs) {
        return new GroupConfig(offsetsTopicPartitions, offsetsTopicReplicationFactor, offsetsTopicSegmentBytes,
                delayMs, minSessionTimeoutMs, maxSessionTimeoutMs, maxSize, offsetMetadataMaxBytes,
                offsetsRetentionMinutes, offsetsRetentionCheckIntervalMs, coordinatorThreads);
    }

    public GroupConfig withMinSessionTimeoutMs(int timeoutMs) {
        return new GroupConfig(offsetsTopicPartitions, offsetsTopicReplicationFactor, offsetsTopicSegmentBytes,
                initialRebalanceDelayMs, timeoutMs, maxSessionTimeoutMs, maxSize, offsetMetadataMaxBytes,
                offsetsRetentionMinutes, offsetsRetentionCheckIntervalMs, coordinatorThreads);
    }

    public GroupConfig withOffsetsTopicPartitions(int partitions) {
        return new GroupConfig(partitions, offsetsTopicReplicationFactor, offsetsTopicSegmentBytes,
                initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, maxSize, offsetMetadataMaxBytes,
                offsetsRetentionMinutes, offsetsRetentionCheckIntervalMs, coordinatorThreads);
    }

    public GroupConfig withOffsetsTopicReplicationFactor(short replicationFactor) {
        return new GroupConfig(offsetsTopicPartitions, replicationFactor, offsetsTopicSegmentBytes,
                initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, maxSize, offsetMetadataMaxBytes,
                offsetsRetentionMinutes, offsetsRetentionCheckIntervalMs, coordinatorThreads);
    }

    public GroupConfig withOffsetsTopicSegmentBytes(int segmentBytes) {
        return new GroupConfig(offsetsTopicPartitions, offsetsTopicReplicationFactor, segmentBytes,
                initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, maxSize, offsetMetadataMaxBytes,
                offsetsRetentionMinutes, offsetsRetentionCheckIntervalMs, coordinatorThreads);
    }

    public GroupConfig withCoordinatorThreads(int threads) {
        return new GroupConfig(offsetsTopicPartitions, offsetsTopicReplicationFactor, offsetsTopicSegmentBytes,
                initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, maxSize, offsetMetadataMaxBytes,
                offsetsRetentionMinutes, offsetsRetentionCheckIntervalMs, threads);
    }
}
