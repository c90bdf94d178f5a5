package io.strata.platform.metadata;

import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.PartitionMetadata;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;

import java.util.List;
import java.util.Map;

/**
 * Checks input against the column sizes of the schema before it reaches the database, so oversized
 * input is reported as a Kafka error instead of a database exception.
 */
final class MetadataLimits {
    static final int MAX_TOPIC_NAME_LENGTH = 249;
    static final int MAX_HOST_LENGTH = 255;
    static final int MAX_BROKER_ID_LIST_LENGTH = 4000;
    static final int MAX_CONFIG_NAME_LENGTH = 255;
    static final int MAX_CONFIG_VALUE_LENGTH = 8192;

    private MetadataLimits() {
    }

    static void checkTopicName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_TOPIC_NAME_LENGTH) {
            throw new InvalidTopicException("Topic name must be 1 to " + MAX_TOPIC_NAME_LENGTH + " characters long.");
        }
    }

    static void checkConfigs(Map<String, String> configs) {
        for (Map.Entry<String, String> e : configs.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().length() > MAX_CONFIG_NAME_LENGTH) {
                throw new InvalidConfigurationException("Topic config names must be 1 to "
                        + MAX_CONFIG_NAME_LENGTH + " characters long.");
            }
            if (e.getValue() == null) {
                throw new InvalidConfigurationException("Null value for topic config " + e.getKey());
            }
            if (e.getValue().length() > MAX_CONFIG_VALUE_LENGTH) {
                throw new InvalidConfigurationException("Value of topic config " + e.getKey() + " is longer than "
                        + MAX_CONFIG_VALUE_LENGTH + " characters.");
            }
        }
    }

    static void checkFeatures(Map<String, Short> levels) {
        for (String name : levels.keySet()) {
            if (name == null || name.isEmpty() || name.length() > MAX_CONFIG_NAME_LENGTH) {
                throw new IllegalArgumentException("Feature names must be 1 to " + MAX_CONFIG_NAME_LENGTH
                        + " characters long.");
            }
        }
    }

    static void checkPartitions(List<PartitionMetadata> partitions) {
        for (PartitionMetadata p : partitions) {
            if (listLength(p.replicas()) > MAX_BROKER_ID_LIST_LENGTH || listLength(p.isr()) > MAX_BROKER_ID_LIST_LENGTH) {
                throw new IllegalArgumentException("Replica list of partition " + p.partition() + " is too long.");
            }
        }
    }

    static void checkBroker(BrokerRegistration broker) {
        if (broker.host() == null || broker.host().isEmpty() || broker.host().length() > MAX_HOST_LENGTH
                || (broker.rack() != null && broker.rack().length() > MAX_HOST_LENGTH)) {
            throw new IllegalArgumentException("Broker " + broker.brokerId() + " has an empty or too long host or rack.");
        }
    }

    private static int listLength(List<Integer> ids) {
        int length = Math.max(0, ids.size() - 1);
        for (Integer id : ids) {
            length += String.valueOf(id).length();
        }
        return length;
    }
}
