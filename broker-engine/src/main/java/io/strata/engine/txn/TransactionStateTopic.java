package io.strata.engine.txn;

import io.strata.engine.config.TopicConfigs;
import io.strata.engine.config.TransactionConfig;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.utils.Utils;

import java.util.Map;

/**
 * The internal topic {@code __transaction_state}: which partition holds a transactional id and the topic configs
 * it is created with (Kafka's). Stateless.
 */
public final class TransactionStateTopic {
    public static final String NAME = Topic.TRANSACTION_STATE_TOPIC_NAME;

    private TransactionStateTopic() {
    }

    /**
     * The partition of {@code __transaction_state} owning a transactional id, Kafka's
     * {@code Utils.abs(hashCode) % partitions}, so clients and tools agree on the coordinator.
     */
    public static int partitionFor(String transactionalId, int partitionCount) {
        if (partitionCount < 1) {
            throw new IllegalArgumentException("Partition count must be at least 1, got " + partitionCount);
        }
        return Utils.abs(transactionalId.hashCode()) % partitionCount;
    }

    /** Compacted, uncompressed, min ISR capped at the replication factor, no unclean election (Kafka's). */
    public static Map<String, String> topicConfigs(TransactionConfig config) {
        return Map.of(
                TopicConfigs.CLEANUP_POLICY, "compact",
                TopicConfigs.COMPRESSION_TYPE, "uncompressed",
                TopicConfigs.SEGMENT_BYTES, Integer.toString(config.stateLogSegmentBytes()),
                TopicConfigs.MIN_INSYNC_REPLICAS, Integer.toString(config.effectiveStateLogMinIsr()),
                TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, "false");
    }
}
