package io.strata.engine.handler.admin;

import io.strata.engine.config.ConfigDescriber;
import io.strata.engine.config.TopicConfigs;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Applies IncrementalAlterConfigs operations to one resource's overrides (a topic's, a broker's or the cluster-wide
 * broker default's) with the semantics of Kafka: SET overrides a config, DELETE drops the override so the next
 * layer (broker-wide or built-in default) applies again, APPEND and SUBTRACT add or remove items of a LIST config
 * (such as cleanup.policy), starting from the built-in default when there is no override. Values are validated
 * afterwards, on the whole result, by the service that stores it. Stateless.
 */
final class ConfigOperations {
    /**
     * Which names a resource type knows, and their types and defaults.
     *
     * @param kind   "topic" or "broker", for the message naming an unknown config
     * @param lookup the definition of a known name
     */
    record Catalogue(String kind, Function<String, Optional<TopicConfigs.Definition>> lookup) {
    }

    /** Topic configs, by topic config name. */
    static final Catalogue TOPIC = new Catalogue("topic", TopicConfigs::definition);

    /**
     * Broker configs: the dynamic ones (the topic configs' broker synonyms, typed as their topic config) and the
     * read-only ones, which the operations accept so that storing them is refused with Kafka's read-only error.
     */
    static final Catalogue BROKER = new Catalogue("broker", name -> TopicConfigs.forBrokerSynonym(name)
            .or(() -> ConfigDescriber.READ_ONLY_BROKER_CONFIGS.contains(name)
                    ? Optional.of(new TopicConfigs.Definition(name, TopicConfigs.Type.STRING, null, name, "", true))
                    : Optional.empty()));

    private ConfigOperations() {
    }

    static Map<String, String> apply(Map<String, String> overrides, Collection<AlterableConfig> operations,
                                     Catalogue catalogue) {
        Map<String, String> out = new HashMap<>(overrides);
        for (AlterableConfig operation : operations) {
            OpType type = OpType.forId(operation.configOperation());
            if (type == null) {
                throw new InvalidRequestException("Unknown config operation " + operation.configOperation()
                        + " for config " + operation.name());
            }
            // Unknown names are refused for every operation, DELETE included: nothing of that name can be stored.
            TopicConfigs.Definition definition = catalogue.lookup().apply(operation.name()).orElseThrow(() ->
                    new InvalidConfigurationException("Unknown " + catalogue.kind() + " config name: "
                            + operation.name()));
            switch (type) {
                case SET -> out.put(operation.name(), operation.value());
                case DELETE -> out.remove(operation.name());
                case APPEND, SUBTRACT -> out.put(operation.name(),
                        editList(definition, operation.name(), out.get(operation.name()), type, operation.value()));
            }
        }
        return out;
    }

    private static String editList(TopicConfigs.Definition definition, String name, String current, OpType type,
                                   String items) {
        if (definition.type() != TopicConfigs.Type.LIST) {
            throw new InvalidConfigurationException("Can't " + type + " to key " + name
                    + " because its type is not LIST.");
        }
        List<String> list = items(current != null ? current : definition.defaultValue());
        for (String item : items(items)) {
            if (type == OpType.SUBTRACT) {
                list.remove(item);
            } else if (!list.contains(item)) {
                list.add(item);
            }
        }
        return String.join(",", list);
    }

    private static List<String> items(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (String part : value.split(",")) {
            String item = part.trim();
            if (!item.isEmpty()) {
                out.add(item);
            }
        }
        return out;
    }
}
