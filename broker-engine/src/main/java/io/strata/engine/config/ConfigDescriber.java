package io.strata.engine.config;

import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Resolves effective topic and broker configs with their sources and synonyms, the way Kafka's
 * DescribeConfigs reports them: a topic override wins over the broker's log.* setting, which wins over
 * the built-in default.
 */
public final class ConfigDescriber {
    private final Supplier<BrokerConfig> config;

    /** Takes a supplier because the listener's port is only known once it is bound. */
    public ConfigDescriber(Supplier<BrokerConfig> config) {
        this.config = config;
    }

    public record Synonym(String name, String value, ConfigSource source) {
    }

    public record DescribedConfig(String name, String value, ConfigSource source, boolean readOnly, boolean sensitive,
                                  ConfigType type, String documentation, List<Synonym> synonyms) {
    }

    public List<DescribedConfig> topicConfigs(TopicMetadata topic) {
        BrokerConfig config = this.config.get();
        List<DescribedConfig> out = new ArrayList<>();
        for (TopicConfigs.Definition def : TopicConfigs.definitions()) {
            List<Synonym> synonyms = new ArrayList<>(3);
            String override = topic.configs().get(def.name());
            if (override != null) {
                synonyms.add(new Synonym(def.name(), override, ConfigSource.TOPIC_CONFIG));
            }
            String brokerValue = config.logDefaults().get(def.name());
            if (brokerValue != null && def.brokerSynonym() != null) {
                synonyms.add(new Synonym(def.brokerSynonym(), brokerValue, ConfigSource.STATIC_BROKER_CONFIG));
            }
            if (def.defaultValue() != null) {
                synonyms.add(new Synonym(def.brokerSynonym() != null ? def.brokerSynonym() : def.name(),
                        def.defaultValue(), ConfigSource.DEFAULT_CONFIG));
            }
            Synonym effective = synonyms.isEmpty() ? new Synonym(def.name(), null, ConfigSource.DEFAULT_CONFIG)
                    : synonyms.get(0);
            out.add(new DescribedConfig(def.name(), effective.value(), effective.source(), false,
                    def.type() == TopicConfigs.Type.PASSWORD, type(def.type()), def.documentation(), synonyms));
        }
        return out;
    }

    public List<DescribedConfig> brokerConfigs() {
        BrokerConfig config = this.config.get();
        Map<String, String> statics = new LinkedHashMap<>();
        statics.put("broker.id", String.valueOf(config.brokerId()));
        statics.put("node.id", String.valueOf(config.brokerId()));
        statics.put("listeners", "PLAINTEXT://" + config.listenerHost() + ":" + config.listenerPort());
        statics.put("advertised.listeners", "PLAINTEXT://" + config.advertisedHost() + ":" + config.advertisedPort());
        statics.put("log.dirs", config.dataDir().toAbsolutePath().toString());
        statics.put("num.partitions", String.valueOf(config.defaultNumPartitions()));
        statics.put("default.replication.factor", String.valueOf(config.defaultReplicationFactor()));
        statics.put("auto.create.topics.enable", String.valueOf(config.autoCreateTopics()));
        statics.put("socket.request.max.bytes", String.valueOf(config.socketRequestMaxBytes()));
        statics.put("num.io.threads", String.valueOf(config.numIoThreads()));
        statics.put("num.network.threads", String.valueOf(config.numNetworkThreads()));
        if (config.rack() != null) {
            statics.put("broker.rack", config.rack());
        }
        statics.put(SoftwareVersion.CONFIG_NAME, SoftwareVersion.current());
        List<DescribedConfig> out = new ArrayList<>();
        statics.forEach((name, value) -> out.add(new DescribedConfig(name, value, ConfigSource.STATIC_BROKER_CONFIG,
                true, false, name.endsWith(".enable") ? ConfigType.BOOLEAN : ConfigType.STRING, null,
                List.of(new Synonym(name, value, ConfigSource.STATIC_BROKER_CONFIG)))));
        for (TopicConfigs.Definition def : TopicConfigs.definitions()) {
            if (def.brokerSynonym() == null) {
                continue;
            }
            String set = config.logDefaults().get(def.name());
            List<Synonym> synonyms = new ArrayList<>(2);
            if (set != null) {
                synonyms.add(new Synonym(def.brokerSynonym(), set, ConfigSource.STATIC_BROKER_CONFIG));
            }
            synonyms.add(new Synonym(def.brokerSynonym(), def.defaultValue(), ConfigSource.DEFAULT_CONFIG));
            Synonym effective = synonyms.get(0);
            out.add(new DescribedConfig(def.brokerSynonym(), effective.value(), effective.source(), true,
                    false, type(def.type()), def.documentation(), synonyms));
        }
        return out;
    }

    /**
     * The cluster-wide dynamic broker defaults that are set ({@code DYNAMIC_DEFAULT_BROKER_CONFIG}, Kafka's
     * {@code ConfigResource(BROKER, "")}): none, as brokers take no dynamic configs yet.
     */
    public List<DescribedConfig> clusterDefaultBrokerConfigs() {
        return List.of();
    }

    private static ConfigType type(TopicConfigs.Type type) {
        return ConfigType.valueOf(type.name());
    }
}
