package io.strata.engine.topic;

import io.strata.engine.config.ConfigDescriber;
import io.strata.engine.config.TopicConfigs;
import io.strata.engine.metadata.BrokerConfigs;
import io.strata.engine.metadata.MetadataStore;
import org.apache.kafka.common.errors.InvalidRequestException;

import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Alters dynamic broker configs ({@code ConfigResource(BROKER, "<this broker's id>")} and the cluster-wide default
 * {@code ConfigResource(BROKER, "")}), as Kafka's brokers do: a broker alters only its own id or the default; the
 * dynamic configs are the broker synonyms of the topic configs ({@code log.retention.ms}, ...), validated with the
 * same catalogue as topic creation; read-only ones are refused with Kafka's error. The result is stored in the
 * metadata store and applied to this broker's logs (through {@link TopicService#catchUp}) before the call returns;
 * the other brokers apply it when their metadata poller reads it.
 *
 * <p>Thread-safety: alterations are serialized on this object, so two concurrent alters on this broker never lose
 * each other's change (across brokers, the last write wins, as for topic configs).
 */
public final class BrokerConfigService {
    private final int brokerId;
    private final MetadataStore store;
    private final TopicService topics;

    public BrokerConfigService(int brokerId, MetadataStore store, TopicService topics) {
        this.brokerId = brokerId;
        this.store = store;
        this.topics = topics;
    }

    /**
     * Replaces the resource's dynamic configs with what {@code change} makes of the current ones, validated as a whole.
     *
     * @param resourceName "" for the cluster-wide default, else a broker id, which must be this broker's
     * @return the configs the resource has afterwards (not stored when {@code validateOnly})
     * @throws InvalidRequestException for another broker's id or a read-only config
     * @throws org.apache.kafka.common.errors.InvalidConfigurationException for an unknown name or a bad value
     */
    public synchronized Map<String, String> alter(String resourceName, UnaryOperator<Map<String, String>> change,
                                                  boolean validateOnly) {
        OptionalInt target = resource(resourceName);
        Map<String, String> current = store.brokerConfigs().resource(target);
        Map<String, String> next = change.apply(current);
        validate(next);
        if (validateOnly || next.equals(current)) {
            return next;
        }
        BrokerConfigs stored = store.replaceBrokerConfigs(target, next);
        topics.catchUp(); // this broker applies it before answering
        return stored.resource(target);
    }

    private OptionalInt resource(String name) {
        if (name == null || name.isEmpty()) {
            return OptionalInt.empty();
        }
        int id;
        try {
            id = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Node id must be an integer, but it is: " + name);
        }
        if (id != brokerId) {
            throw new InvalidRequestException("Unexpected broker id, expected " + brokerId + ", but received " + name);
        }
        return OptionalInt.of(id);
    }

    /** Read-only names first (all of them in one message, as Kafka reports them), then each name and value. */
    static void validate(Map<String, String> configs) {
        TreeSet<String> readOnly = new TreeSet<>(configs.keySet());
        readOnly.retainAll(ConfigDescriber.READ_ONLY_BROKER_CONFIGS);
        if (!readOnly.isEmpty()) {
            throw new InvalidRequestException("Cannot update these configs dynamically: Set("
                    + String.join(", ", readOnly) + ")");
        }
        new TreeSet<>(configs.keySet()).forEach(name -> TopicConfigs.validateBrokerSynonym(name, configs.get(name)));
    }
}
