package io.strata.platform.metadata;

import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The database transactions behind {@link JpaMetadataStore}; each public method is one transaction.
 *
 * <p>Every metadata change first locks the {@code metadata_version} row and increments it. That lock
 * serializes writers across all brokers sharing the database, so a check such as "does this topic name
 * exist" stays true until the transaction commits. Multi-query reads run at REPEATABLE READ so they see
 * one consistent snapshot (never a topic without its partitions).
 */
@Component
public class MetadataTransactions {
    private final ClusterInfoRepository clusterInfo;
    private final MetadataVersionRepository versions;
    private final ProducerIdBlockRepository producerIds;
    private final BrokerRepository brokers;
    private final TopicRepository topics;
    private final PartitionRepository partitions;
    private final TopicConfigRepository configs;

    public MetadataTransactions(ClusterInfoRepository clusterInfo, MetadataVersionRepository versions,
                                ProducerIdBlockRepository producerIds, BrokerRepository brokers,
                                TopicRepository topics, PartitionRepository partitions,
                                TopicConfigRepository configs) {
        this.clusterInfo = clusterInfo;
        this.versions = versions;
        this.producerIds = producerIds;
        this.brokers = brokers;
        this.topics = topics;
        this.partitions = partitions;
        this.configs = configs;
    }

    /**
     * Returns the stored cluster id, storing {@code candidate} first if there is none. READ COMMITTED
     * so that a broker losing the compare-and-set race reads the winner's committed id.
     */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public String loadOrClaimClusterId(String candidate) {
        Optional<String> existing = clusterInfo.findClusterId();
        if (existing.isPresent()) {
            return existing.get();
        }
        clusterInfo.claimClusterId(candidate);
        return clusterInfo.findClusterId().orElseThrow(() ->
                new IllegalStateException("The cluster_info row is missing: the metadata schema is incomplete."));
    }

    @Transactional(readOnly = true)
    public long metadataVersion() {
        return versions.currentVersion().orElseThrow(() ->
                new IllegalStateException("The metadata_version row is missing: the metadata schema is incomplete."));
    }

    @Transactional
    public void registerBroker(BrokerRegistration broker) {
        MetadataVersionEntity version = lockVersion();
        if (brokers.updateRegistration(broker.brokerId(), broker.host(), broker.port(), broker.rack()) == 0) {
            brokers.insertRegistration(broker.brokerId(), broker.host(), broker.port(), broker.rack());
        }
        version.increment();
    }

    @Transactional(readOnly = true)
    public List<BrokerRegistration> brokers() {
        return brokers.findAllByOrderByBrokerIdAsc().stream().map(BrokerEntity::toRegistration).toList();
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public List<TopicMetadata> topics() {
        Map<UUID, List<PartitionMetadata>> partitionsByTopic = new HashMap<>();
        for (PartitionEntity p : partitions.findAllOrdered()) {
            partitionsByTopic.computeIfAbsent(p.getKey().getTopicId(), id -> new ArrayList<>()).add(p.toMetadata());
        }
        Map<UUID, Map<String, String>> configsByTopic = new HashMap<>();
        for (TopicConfigEntity c : configs.findAll()) {
            configsByTopic.computeIfAbsent(c.getKey().getTopicId(), id -> new HashMap<>())
                    .put(c.getKey().getName(), c.getValue());
        }
        List<TopicMetadata> result = new ArrayList<>();
        for (TopicEntity topic : topics.findAllByOrderByNameAsc()) {
            result.add(new TopicMetadata(TopicIds.fromColumn(topic.getTopicId()), topic.getName(),
                    configsByTopic.getOrDefault(topic.getTopicId(), Map.of()),
                    partitionsByTopic.getOrDefault(topic.getTopicId(), List.of())));
        }
        return result;
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Optional<TopicMetadata> topic(String name) {
        return topics.findByName(name).map(this::assemble);
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Optional<TopicMetadata> topic(Uuid id) {
        return topics.findById(TopicIds.toColumn(id)).map(this::assemble);
    }

    @Transactional(readOnly = true)
    public boolean topicExists(String name) {
        return topics.existsByName(name);
    }

    /** @throws TopicExistsException if the name is taken */
    @Transactional
    public TopicMetadata createTopic(String name, Map<String, String> topicConfigs,
                                     List<PartitionMetadata> newPartitions) {
        MetadataVersionEntity version = lockVersion();
        if (topics.existsByName(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        List<PartitionMetadata> sorted = consecutiveFrom(0, newPartitions);
        Uuid id = Uuid.randomUuid();
        UUID column = TopicIds.toColumn(id);
        // Flushed now so a unique-name violation surfaces here rather than at commit.
        topics.saveAndFlush(new TopicEntity(column, name));
        partitions.saveAll(sorted.stream().map(p -> PartitionEntity.of(column, p)).toList());
        configs.saveAll(topicConfigs.entrySet().stream()
                .map(e -> new TopicConfigEntity(column, e.getKey(), e.getValue())).toList());
        version.increment();
        return new TopicMetadata(id, name, topicConfigs, sorted);
    }

    /** Deletes the topic with its partitions and configs; returns false (and changes nothing) if it is unknown. */
    @Transactional
    public boolean deleteTopic(Uuid id) {
        MetadataVersionEntity version = lockVersion();
        UUID column = TopicIds.toColumn(id);
        if (!topics.existsById(column)) {
            return false;
        }
        configs.deleteByTopic(column);
        partitions.deleteByTopic(column);
        topics.deleteTopic(column);
        version.increment();
        return true;
    }

    @Transactional
    public TopicMetadata addPartitions(Uuid id, List<PartitionMetadata> newPartitions) {
        MetadataVersionEntity version = lockVersion();
        TopicEntity topic = requireTopic(id);
        int existing = Math.toIntExact(partitions.countByTopic(topic.getTopicId()));
        List<PartitionMetadata> sorted = consecutiveFrom(existing, newPartitions);
        partitions.saveAll(sorted.stream().map(p -> PartitionEntity.of(topic.getTopicId(), p)).toList());
        version.increment();
        return assemble(topic);
    }

    @Transactional
    public TopicMetadata replaceTopicConfigs(Uuid id, Map<String, String> topicConfigs) {
        MetadataVersionEntity version = lockVersion();
        TopicEntity topic = requireTopic(id);
        configs.deleteByTopic(topic.getTopicId());
        configs.saveAll(topicConfigs.entrySet().stream()
                .map(e -> new TopicConfigEntity(topic.getTopicId(), e.getKey(), e.getValue())).toList());
        version.increment();
        return assemble(topic);
    }

    /** Reserves {@code count} producer ids under the counter row's lock and returns the first. */
    @Transactional
    public long allocateProducerIds(int count) {
        ProducerIdBlockEntity counter = producerIds.lockCounter().orElseThrow(() ->
                new IllegalStateException("The producer_id_block row is missing: the metadata schema is incomplete."));
        return counter.reserve(count);
    }

    private MetadataVersionEntity lockVersion() {
        return versions.lockVersion().orElseThrow(() ->
                new IllegalStateException("The metadata_version row is missing: the metadata schema is incomplete."));
    }

    private TopicEntity requireTopic(Uuid id) {
        return topics.findById(TopicIds.toColumn(id)).orElseThrow(() ->
                new UnknownTopicIdException("Topic id " + id + " does not exist."));
    }

    private TopicMetadata assemble(TopicEntity topic) {
        Map<String, String> topicConfigs = new LinkedHashMap<>();
        for (TopicConfigEntity c : configs.findByTopic(topic.getTopicId())) {
            topicConfigs.put(c.getKey().getName(), c.getValue());
        }
        List<PartitionMetadata> topicPartitions = partitions.findByTopic(topic.getTopicId()).stream()
                .map(PartitionEntity::toMetadata).toList();
        return new TopicMetadata(TopicIds.fromColumn(topic.getTopicId()), topic.getName(), topicConfigs,
                topicPartitions);
    }

    /** Sorts by partition index and checks the indexes are {@code first, first + 1, ...}. */
    private static List<PartitionMetadata> consecutiveFrom(int first, List<PartitionMetadata> partitions) {
        List<PartitionMetadata> sorted = partitions.stream()
                .sorted(Comparator.comparingInt(PartitionMetadata::partition)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).partition() != first + i) {
                throw new IllegalArgumentException("Partition indexes must continue from " + first
                        + " without gaps, got " + sorted.stream().map(PartitionMetadata::partition).toList());
            }
        }
        return sorted;
    }
}
