package io.strata.engine.config;

import io.strata.engine.metadata.BrokerConfigs;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one source of truth for this broker's effective broker-wide topic defaults, highest first: this broker's
 * dynamic config, the cluster-wide dynamic default (both from the metadata store, keyed by broker config name such
 * as {@code log.retention.ms}), the static {@code strata.log-defaults.*} (keyed by topic config name), then the
 * catalogue default of {@link TopicConfigs}. Every place that builds a {@link LogConfig} (log recovery, the replica
 * manager, the controller's unclean-election check) and DescribeConfigs read it.
 *
 * <p>Thread-safety: the dynamic configs are one immutable value in a volatile field, replaced by {@link #update} on
 * the metadata path (start-up, then the metadata poller or an alter on this broker, serialized by
 * {@code TopicService}); readers on any thread see either the old or the new value, never a mix.
 */
public final class BrokerLogDefaults {
    private final int brokerId;
    /** Static defaults keyed by topic config name. */
    private final Map<String, String> staticDefaults;
    private volatile State state;

    /** One consistent view: the dynamic configs and the topic defaults resolved from them. */
    private record State(BrokerConfigs dynamic, Map<String, String> topicDefaults) {
    }

    /** @param staticDefaults {@code BrokerConfig.logDefaults()}: keyed by topic config name */
    public BrokerLogDefaults(int brokerId, Map<String, String> staticDefaults) {
        this.brokerId = brokerId;
        this.staticDefaults = Map.copyOf(staticDefaults);
        this.state = resolve(BrokerConfigs.EMPTY);
    }

    /** Catalogue defaults only, for tests and tools without a broker. */
    public static BrokerLogDefaults none() {
        return new BrokerLogDefaults(-1, Map.of());
    }

    /**
     * Takes the store's current dynamic broker configs.
     *
     * @return whether the effective topic defaults of this broker changed (then every log's config must be recomputed)
     */
    public boolean update(BrokerConfigs dynamic) {
        State previous = state;
        State next = resolve(dynamic);
        state = next;
        return !previous.topicDefaults.equals(next.topicDefaults);
    }

    private State resolve(BrokerConfigs dynamic) {
        Map<String, String> out = new HashMap<>(staticDefaults);
        putDynamic(out, dynamic.clusterDefault());
        putDynamic(out, dynamic.broker(brokerId));
        return new State(dynamic, Map.copyOf(out));
    }

    /**
     * Values were validated when they were stored; one that no longer validates (a catalogue change) is skipped with
     * the lower layers left in force, so a stored config can never stop logs from opening.
     */
    private static void putDynamic(Map<String, String> out, Map<String, String> dynamic) {
        dynamic.forEach((brokerName, value) -> TopicConfigs.forBrokerSynonym(brokerName).ifPresent(def -> {
            try {
                TopicConfigs.validate(def.name(), value);
                out.put(def.name(), value);
            } catch (RuntimeException ignored) {
                // keep the lower layer
            }
        }));
    }

    /** The effective broker-wide defaults, keyed by topic config name (what {@link LogConfig#from} takes). */
    public Map<String, String> topicDefaults() {
        return state.topicDefaults;
    }

    /** The effective config of a log of a topic with these overrides. */
    public LogConfig logConfig(Map<String, String> topicOverrides) {
        return LogConfig.from(topicDefaults(), topicOverrides);
    }

    public int brokerId() {
        return brokerId;
    }

    /** Every dynamic broker config as last updated. */
    public BrokerConfigs dynamic() {
        return state.dynamic;
    }

    /** This broker's own dynamic value of a broker config, if set. */
    public Optional<String> dynamicBrokerValue(String brokerName) {
        return Optional.ofNullable(state.dynamic.broker(brokerId).get(brokerName));
    }

    /** The cluster-wide dynamic default of a broker config, if set. */
    public Optional<String> dynamicDefaultValue(String brokerName) {
        return Optional.ofNullable(state.dynamic.clusterDefault().get(brokerName));
    }

    /** The static {@code strata.log-defaults} value of a topic config, if set. */
    public Optional<String> staticValue(String topicName) {
        return Optional.ofNullable(staticDefaults.get(topicName));
    }
}
