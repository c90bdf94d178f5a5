package io.strata.platform.metadata;

import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link MetadataStore} over Spring Data JPA: H2 embedded by default, PostgreSQL for clusters.
 *
 * <p>Each call is one database transaction in {@link MetadataTransactions}. This class checks input
 * sizes, translates a unique-name violation into {@link TopicExistsException} (whether it surfaces at
 * flush or at commit), and after each committed write forces it to disk where the database does not
 * ({@link EmbeddedDatabaseSync}). Thread-safe: it holds no state besides the immutable cluster id.
 */
@Component
public class JpaMetadataStore implements MetadataStore {
    private final MetadataTransactions transactions;
    private final EmbeddedDatabaseSync sync;
    private volatile String clusterId;

    public JpaMetadataStore(MetadataTransactions transactions, EmbeddedDatabaseSync sync) {
        this.transactions = transactions;
        this.sync = sync;
    }

    @Override
    public String clusterId() {
        String id = clusterId;
        if (id == null) {
            id = transactions.loadOrClaimClusterId(Uuid.randomUuid().toString());
            sync.afterWrite();
            clusterId = id;
        }
        return id;
    }

    /** Incremented by every metadata change; brokers poll it to learn that they must reload. */
    public long metadataVersion() {
        return transactions.metadataVersion();
    }

    @Override
    public void registerBroker(BrokerRegistration broker) {
        MetadataLimits.checkBroker(broker);
        transactions.registerBroker(broker);
        sync.afterWrite();
    }

    @Override
    public List<BrokerRegistration> brokers() {
        return transactions.brokers();
    }

    @Override
    public List<TopicMetadata> topics() {
        return transactions.topics();
    }

    @Override
    public Optional<TopicMetadata> topic(String name) {
        return transactions.topic(name);
    }

    @Override
    public Optional<TopicMetadata> topic(Uuid id) {
        return transactions.topic(id);
    }

    @Override
    public TopicMetadata createTopic(String name, Map<String, String> configs, List<PartitionMetadata> partitions) {
        MetadataLimits.checkTopicName(name);
        MetadataLimits.checkConfigs(configs);
        MetadataLimits.checkPartitions(partitions);
        TopicMetadata topic;
        try {
            topic = transactions.createTopic(name, configs, partitions);
        } catch (DataIntegrityViolationException e) {
            if (transactions.topicExists(name)) {
                throw new TopicExistsException("Topic '" + name + "' already exists.");
            }
            throw e;
        }
        sync.afterWrite();
        return topic;
    }

    @Override
    public void deleteTopic(Uuid id) {
        if (transactions.deleteTopic(id)) {
            sync.afterWrite();
        }
    }

    @Override
    public TopicMetadata addPartitions(Uuid id, List<PartitionMetadata> newPartitions) {
        MetadataLimits.checkPartitions(newPartitions);
        TopicMetadata topic = transactions.addPartitions(id, newPartitions);
        sync.afterWrite();
        return topic;
    }

    @Override
    public TopicMetadata replaceTopicConfigs(Uuid id, Map<String, String> configs) {
        MetadataLimits.checkConfigs(configs);
        TopicMetadata topic = transactions.replaceTopicConfigs(id, configs);
        sync.afterWrite();
        return topic;
    }

    @Override
    public long allocateProducerIds(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("Producer id block size must be positive, got " + count);
        }
        long first = transactions.allocateProducerIds(count);
        sync.afterWrite();
        return first;
    }
}
