package io.strata.engine.config;

import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Resolves effective topic and broker configs with their sources and synonyms, the way Kafka's DescribeConfigs
 * reports them. Synonyms come in Kafka's order, highest first: the topic override ({@code TOPIC_CONFIG}, Kafka's
 * DYNAMIC_TOPIC_CONFIG), this broker's dynamic config, the cluster-wide dynamic default, the static
 * {@code strata.log-defaults} and the built-in default; the first is the effective value and its source.
 * Stateless; reads {@link BrokerLogDefaults} (one volatile snapshot) on each call.
 */
public final class ConfigDescriber {
    private final Supplier<BrokerConfig> config;
    private final BrokerLogDefaults logDefaults;

    /** Takes a supplier because the listener's port is only known once it is bound. */
    public ConfigDescriber(Supplier<BrokerConfig> config, BrokerLogDefaults logDefaults) {
        this.config = config;
        this.logDefaults = logDefaults;
    }

    public record Synonym(String name, String value, ConfigSource source) {
    }

    public record DescribedConfig(String name, String value, ConfigSource source, boolean readOnly, boolean sensitive,
                                  ConfigType type, String documentation, List<Synonym> synonyms) {
    }

    public List<DescribedConfig> topicConfigs(TopicMetadata topic) {
        List<DescribedConfig> out = new ArrayList<>();
        for (TopicConfigs.Definition def : TopicConfigs.definitions()) {
            List<Synonym> synonyms = new ArrayList<>(5);
            String override = topic.configs().get(def.name());
            if (override != null) {
                synonyms.add(new Synonym(def.name(), override, ConfigSource.TOPIC_CONFIG));
            }
            synonyms.addAll(brokerSynonyms(def));
            Synonym effective = synonyms.get(0);
            out.add(new DescribedConfig(def.name(), effective.value(), effective.source(), false,
                    def.type() == TopicConfigs.Type.PASSWORD, type(def.type()), def.describedDocumentation(), synonyms));
        }
        return out;
    }

    /** The broker-wide layers of one topic config, highest first; the built-in default is always last. */
    private List<Synonym> brokerSynonyms(TopicConfigs.Definition def) {
        String name = def.brokerSynonym();
        List<Synonym> synonyms = new ArrayList<>(4);
        logDefaults.dynamicBrokerValue(name)
                .ifPresent(v -> synonyms.add(new Synonym(name, v, ConfigSource.DYNAMIC_BROKER_CONFIG)));
        logDefaults.dynamicDefaultValue(name)
                .ifPresent(v -> synonyms.add(new Synonym(name, v, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)));
        logDefaults.staticValue(def.name())
                .ifPresent(v -> synonyms.add(new Synonym(name, v, ConfigSource.STATIC_BROKER_CONFIG)));
        synonyms.add(new Synonym(name, def.defaultValue(), ConfigSource.DEFAULT_CONFIG));
        return synonyms;
    }

    /**
     * Names of the broker configs that are only set at start-up (read-only in DescribeConfigs, refused by
     * AlterConfigs); the dynamic ones are the broker synonyms of the topic configs.
     */
    public static final Set<String> READ_ONLY_BROKER_CONFIGS = Set.of("broker.id", "node.id", "listeners",
            "advertised.listeners", "log.dirs", "num.partitions", "default.replication.factor",
            "auto.create.topics.enable", "socket.request.max.bytes", "num.io.threads", "num.network.threads",
            "broker.rack", SoftwareVersion.CONFIG_NAME);

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
            List<Synonym> synonyms = brokerSynonyms(def);
            Synonym effective = synonyms.get(0);
            out.add(new DescribedConfig(def.brokerSynonym(), effective.value(), effective.source(), false,
                    false, type(def.type()), def.describedDocumentation(), synonyms));
        }
        return out;
    }

    /**
     * The cluster-wide dynamic broker defaults that are set ({@code DYNAMIC_DEFAULT_BROKER_CONFIG}, Kafka's
     * {@code ConfigResource(BROKER, "")}), each with only its own synonym, as Kafka reports them.
     */
    public List<DescribedConfig> clusterDefaultBrokerConfigs() {
        List<DescribedConfig> out = new ArrayList<>();
        for (TopicConfigs.Definition def : TopicConfigs.definitions()) {
            logDefaults.dynamicDefaultValue(def.brokerSynonym()).ifPresent(value -> out.add(new DescribedConfig(
                    def.brokerSynonym(), value, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, false, false,
                    type(def.type()), def.describedDocumentation(),
                    List.of(new Synonym(def.brokerSynonym(), value, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)))));
        }
        return out;
    }

    private static ConfigType type(TopicConfigs.Type type) {
        return ConfigType.valueOf(type.name());
    }
}
