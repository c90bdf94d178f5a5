package io.strata.engine.handler.admin;

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

/**
 * Applies IncrementalAlterConfigs operations to a topic's overrides with the semantics of Kafka's
 * controller: SET overrides a config, DELETE drops the override so the broker-wide or built-in default
 * applies again, APPEND and SUBTRACT add or remove items of a LIST config (such as cleanup.policy),
 * starting from the built-in default when the topic has no override. Values are validated afterwards,
 * on the whole result, by {@link io.strata.engine.topic.TopicService#alterConfigs}.
 */
final class TopicConfigOperations {
    private TopicConfigOperations() {
    }

    static Map<String, String> apply(Map<String, String> overrides, Collection<AlterableConfig> operations) {
        Map<String, String> out = new HashMap<>(overrides);
        for (AlterableConfig operation : operations) {
            OpType type = OpType.forId(operation.configOperation());
            if (type == null) {
                throw new InvalidRequestException("Unknown config operation " + operation.configOperation()
                        + " for config " + operation.name());
            }
            // Unknown names are refused for every operation, DELETE included: nothing of that name can be stored.
            TopicConfigs.Definition definition = TopicConfigs.definition(operation.name()).orElseThrow(() ->
                    new InvalidConfigurationException("Unknown topic config name: " + operation.name()));
            switch (type) {
                case SET -> out.put(operation.name(), operation.value());
                case DELETE -> out.remove(operation.name());
                case APPEND, SUBTRACT -> out.put(operation.name(),
                        editList(definition, out.get(operation.name()), type, operation.value()));
            }
        }
        return out;
    }

    private static String editList(TopicConfigs.Definition definition, String current, OpType type, String items) {
        if (definition.type() != TopicConfigs.Type.LIST) {
            throw new InvalidConfigurationException("Can't " + type + " to key " + definition.name()
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
