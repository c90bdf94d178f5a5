package io.strata.engine.server;

import io.strata.engine.group.GroupCoordinator;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.topic.TopicService;
import io.strata.engine.txn.TransactionCoordinator;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.Map;
import java.util.Optional;

/**
 * How a coordinator finds and creates its internal topic ({@code __consumer_offsets}, {@code __transaction_state})
 * through this broker's metadata cache and topic service. Creation racing another broker's returns the topic that
 * won; a broker lost between the coordinator's check of live brokers and the creation is retriable for clients
 * (COORDINATOR_NOT_AVAILABLE). Stateless: safe on any thread.
 */
final class InternalTopicAccess implements GroupCoordinator.OffsetsTopicAccess, TransactionCoordinator.StateTopicAccess {
    private final String topic;
    private final MetadataCache cache;
    private final TopicService topics;

    InternalTopicAccess(String topic, MetadataCache cache, TopicService topics) {
        this.topic = topic;
        this.cache = cache;
        this.topics = topics;
    }

    @Override
    public Optional<TopicMetadata> find() {
        return cache.topic(topic);
    }

    @Override
    public int liveBrokers() {
        return cache.brokers().size();
    }

    @Override
    public TopicMetadata create(int partitions, short replicationFactor, Map<String, String> configs) {
        try {
            return topics.create(topic, partitions, replicationFactor, Map.of(), configs, false);
        } catch (TopicExistsException e) {
            return find().orElseThrow(() -> e);
        } catch (InvalidReplicationFactorException e) {
            throw new CoordinatorNotAvailableException(e.getMessage(), e);
        }
    }
}
