package io.strata.admin.service;

import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Configs of each broker ({@code ConfigResource(BROKER, "<id>")}) and the cluster-wide dynamic broker defaults
 * ({@code ConfigResource(BROKER, "")}), on top of {@link ConfigService}. The broker decides which changes it accepts.
 */
@Service
public class BrokerConfigService {
    /** Kafka's name for the cluster-wide default of every broker's dynamic configs. */
    public static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");

    private final ConfigService configs;
    private final BrokerService brokers;
    private final KafkaGateway gateway;

    public BrokerConfigService(ConfigService configs, BrokerService brokers, KafkaGateway gateway) {
        this.configs = configs;
        this.brokers = brokers;
        this.gateway = gateway;
    }

    /** One config entry together with the broker it belongs to. */
    public record BrokerConfig(int brokerId, ConfigEntry entry) {
    }

    /** Every config of broker {@code brokerId}; 404 for a broker that is not live (the Admin client routes there). */
    public List<ConfigEntry> list(int brokerId) {
        brokers.get(brokerId);
        return configs.describe(resource(brokerId));
    }

    /** Every config of every live broker, in broker id order. */
    public List<BrokerConfig> listAll() {
        List<Node> live = brokers.list();
        List<ConfigResource> resources = live.stream().map(n -> resource(n.id())).toList();
        List<BrokerConfig> all = new ArrayList<>();
        configs.describe(resources).forEach((resource, entries) -> entries.forEach(
                e -> all.add(new BrokerConfig(Integer.parseInt(resource.name()), e))));
        return all;
    }

    public ConfigEntry get(int brokerId, String name) {
        brokers.get(brokerId);
        return configs.describe(resource(brokerId), name);
    }

    /** Alters configs of one broker; names it does not have are 404, as kafka-rest answers. */
    public void alter(int brokerId, List<ConfigChange> changes, boolean validateOnly) {
        brokers.get(brokerId);
        configs.alter(resource(brokerId), changes, validateOnly);
    }

    /** The cluster-wide dynamic defaults that are set (an empty list while none is). */
    public List<ConfigEntry> listClusterDefaults() {
        return configs.describe(CLUSTER_DEFAULT);
    }

    public ConfigEntry getClusterDefault(String name) {
        return configs.describe(CLUSTER_DEFAULT, name);
    }

    /**
     * Sets or deletes cluster-wide defaults. Unlike a broker's own configs, a default need not be set yet to be
     * set, so there is no existence check: the broker alone accepts or refuses each change.
     */
    public void alterClusterDefaults(List<ConfigChange> changes, boolean validateOnly) {
        if (changes.isEmpty()) {
            return;
        }
        List<AlterConfigOp> ops = changes.stream().map(ConfigChange::toAlterConfigOp).toList();
        gateway.await(gateway.admin()
                .incrementalAlterConfigs(Map.of(CLUSTER_DEFAULT, ops), new AlterConfigsOptions().validateOnly(validateOnly))
                .values().get(CLUSTER_DEFAULT));
    }

    private static ConfigResource resource(int brokerId) {
        return new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(brokerId));
    }
}
