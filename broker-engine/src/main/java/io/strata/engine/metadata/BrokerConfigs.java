package io.strata.engine.metadata;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The dynamic broker configs held by the metadata store, keyed by broker config name (e.g. {@code log.retention.ms}):
 * the cluster-wide default (Kafka's {@code ConfigResource(BROKER, "")}) and each broker's own. Immutable.
 *
 * @param clusterDefault the cluster-wide dynamic defaults
 * @param perBroker      each broker's dynamic configs by broker id; a broker with none has no entry
 */
public record BrokerConfigs(Map<String, String> clusterDefault, Map<Integer, Map<String, String>> perBroker) {
    public static final BrokerConfigs EMPTY = new BrokerConfigs(Map.of(), Map.of());

    public BrokerConfigs {
        clusterDefault = Map.copyOf(clusterDefault);
        Map<Integer, Map<String, String>> copy = new HashMap<>();
        perBroker.forEach((id, configs) -> {
            if (!configs.isEmpty()) {
                copy.put(id, Map.copyOf(configs));
            }
        });
        perBroker = Map.copyOf(copy);
    }

    /** One broker's dynamic configs (empty when it has none). */
    public Map<String, String> broker(int brokerId) {
        return perBroker.getOrDefault(brokerId, Map.of());
    }

    /** The configs of one resource: a broker's own ({@code brokerId} present) or the cluster-wide default. */
    public Map<String, String> resource(OptionalInt brokerId) {
        return brokerId.isPresent() ? broker(brokerId.getAsInt()) : clusterDefault;
    }

    /** A copy with one resource's configs replaced wholesale. */
    public BrokerConfigs with(OptionalInt brokerId, Map<String, String> configs) {
        if (brokerId.isEmpty()) {
            return new BrokerConfigs(configs, perBroker);
        }
        Map<Integer, Map<String, String>> next = new HashMap<>(perBroker);
        next.put(brokerId.getAsInt(), configs);
        return new BrokerConfigs(clusterDefault, next);
    }
}
