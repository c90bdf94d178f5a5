package io.strata.admin.service;

import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.springframework.stereotype.Service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Topic configs: {@link ConfigService} on {@code TOPIC} resources. */
@Service
public class TopicConfigService {
    private final KafkaGateway gateway;
    private final ConfigService configs;

    public TopicConfigService(KafkaGateway gateway, ConfigService configs) {
        this.gateway = gateway;
        this.configs = configs;
    }

    /** The topic's configs by name; 404/40403 for an unknown topic. */
    public List<ConfigEntry> list(String topic) {
        return configs.describe(resource(topic));
    }

    /** Every topic's configs, topics by name, in one DescribeConfigs request; topics deleted meanwhile are left out. */
    public Map<String, List<ConfigEntry>> listAll() {
        List<String> names = gateway.await(gateway.admin().listTopics(new ListTopicsOptions().listInternal(true))
                .names()).stream().sorted().toList();
        Map<ConfigResource, List<ConfigEntry>> described = configs.describeExisting(
                names.stream().map(TopicConfigService::resource).toList());
        Map<String, List<ConfigEntry>> result = new LinkedHashMap<>();
        described.forEach((resource, entries) -> result.put(resource.name(), entries));
        return result;
    }

    /** One config; 404/40403 for an unknown topic, 404 for a config topics do not have. */
    public ConfigEntry get(String topic, String name) {
        return configs.describe(resource(topic), name);
    }

    public void alter(String topic, List<ConfigChange> changes, boolean validateOnly) {
        configs.alter(resource(topic), changes, validateOnly);
    }

    private static ConfigResource resource(String topic) {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }
}
