package io.strata.engine.metadata;

import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What changed in the metadata store after some version, as read by {@link MetadataStore#changesSince}.
 *
 * @param version         the store's version this delta brings the reader to
 * @param brokers         brokers (re)registered after the requested version
 * @param topics          topics created or changed (partitions, configs) after it, each complete
 * @param deletedTopicIds topics deleted after it (tombstones); may name topics the reader never saw
 * @param liveBrokerIds   every broker live at the time of the read (liveness changes without writes,
 *                        so it is always reported in full)
 * @param controllerId    the holder of the unexpired controller lease at the time of the read, or
 *                        {@link ControllerLease#NO_CONTROLLER} (like liveness, always reported)
 * @param brokerConfigs   every dynamic broker config, complete, when any changed after the requested version
 *                        (always present from version 0); empty when none changed
 * @param features        the finalized features, complete, when any changed after the requested version (always
 *                        present from version 0); empty when none changed
 */
public record MetadataDelta(long version, List<BrokerRegistration> brokers, List<TopicMetadata> topics,
                            List<Uuid> deletedTopicIds, Set<Integer> liveBrokerIds, int controllerId,
                            Optional<BrokerConfigs> brokerConfigs, Optional<FinalizedFeatures> features) {
    public MetadataDelta {
        brokers = List.copyOf(brokers);
        topics = List.copyOf(topics);
        deletedTopicIds = List.copyOf(deletedTopicIds);
        liveBrokerIds = Set.copyOf(liveBrokerIds);
        java.util.Objects.requireNonNull(brokerConfigs, "brokerConfigs");
        java.util.Objects.requireNonNull(features, "features");
    }

    /** A delta in which no finalized feature changed. */
    public MetadataDelta(long version, List<BrokerRegistration> brokers, List<TopicMetadata> topics,
                         List<Uuid> deletedTopicIds, Set<Integer> liveBrokerIds, int controllerId,
                         Optional<BrokerConfigs> brokerConfigs) {
        this(version, brokers, topics, deletedTopicIds, liveBrokerIds, controllerId, brokerConfigs, Optional.empty());
    }

    /** A delta in which no dynamic broker config changed. */
    public MetadataDelta(long version, List<BrokerRegistration> brokers, List<TopicMetadata> topics,
                         List<Uuid> deletedTopicIds, Set<Integer> liveBrokerIds, int controllerId) {
        this(version, brokers, topics, deletedTopicIds, liveBrokerIds, controllerId, Optional.empty());
    }

    public boolean changesMetadata() {
        return !brokers.isEmpty() || !topics.isEmpty() || !deletedTopicIds.isEmpty() || brokerConfigs.isPresent()
                || features.isPresent();
    }
}
