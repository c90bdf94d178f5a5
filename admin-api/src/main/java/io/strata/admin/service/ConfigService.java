package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.springframework.stereotype.Service;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Configs of any {@link ConfigResource} (topic, broker, cluster-wide broker defaults) through
 * {@code Admin.describeConfigs} (with synonyms and documentation) and {@code Admin.incrementalAlterConfigs}. Shared
 * by the topic and
 * broker config resources; the broker validates every value.
 */
@Service
public class ConfigService {
    private final KafkaGateway gateway;
    private final ClusterService clusters;

    public ConfigService(KafkaGateway gateway, ClusterService clusters) {
        this.gateway = gateway;
        this.clusters = clusters;
    }

    /** Every config of {@code resource}, sorted by name. An unknown topic fails with 404/40403. */
    public List<ConfigEntry> describe(ConfigResource resource) {
        return describe(List.of(resource)).get(resource);
    }

    /** Every config of each resource, sorted by name, in the order of {@code resources}, with documentation. */
    public Map<ConfigResource, List<ConfigEntry>> describe(Collection<ConfigResource> resources) {
        return describe(resources, false, true);
    }

    /**
     * Like {@link #describe(Collection)}, but leaves out topics that no longer exist (deleted between listing
     * and describing them), for listings of every topic; without documentation, which would repeat for each.
     */
    public Map<ConfigResource, List<ConfigEntry>> describeExisting(Collection<ConfigResource> resources) {
        return describe(resources, true, false);
    }

    private Map<ConfigResource, List<ConfigEntry>> describe(Collection<ConfigResource> resources, boolean skipUnknown,
                                                            boolean documentation) {
        if (resources.isEmpty()) {
            return Map.of();
        }
        Map<ConfigResource, KafkaFuture<Config>> futures = gateway.admin()
                .describeConfigs(resources, new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(documentation))
                .values();
        Map<ConfigResource, List<ConfigEntry>> result = new LinkedHashMap<>();
        for (ConfigResource resource : resources) {
            Config config;
            try {
                config = awaitFor(resource, futures.get(resource));
            } catch (UnknownTopicOrPartitionException e) {
                if (skipUnknown) {
                    continue;
                }
                throw e;
            }
            result.put(resource, config.entries().stream().sorted(Comparator.comparing(ConfigEntry::name)).toList());
        }
        return result;
    }

    /** The config {@code name} of {@code resource}; 404 if the resource has no such config. */
    public ConfigEntry describe(ConfigResource resource, String name) {
        return describe(resource).stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> configNotFound(resource, name));
    }

    /**
     * Applies {@code changes} to {@code resource} atomically, or only validates them. As kafka-rest does, every
     * name must be a config the resource has (404 otherwise); the broker checks the values (400/40002).
     */
    public void alter(ConfigResource resource, List<ConfigChange> changes, boolean validateOnly) {
        Set<String> known = describe(resource).stream().map(ConfigEntry::name).collect(Collectors.toSet());
        for (ConfigChange change : changes) {
            if (!known.contains(change.name())) {
                throw configNotFound(resource, change.name());
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        List<AlterConfigOp> ops = changes.stream().map(ConfigChange::toAlterConfigOp).toList();
        awaitFor(resource, gateway.admin()
                .incrementalAlterConfigs(Map.of(resource, ops), new AlterConfigsOptions().validateOnly(validateOnly))
                .values().get(resource));
    }

    private <T> T awaitFor(ConfigResource resource, KafkaFuture<T> future) {
        try {
            return gateway.await(future);
        } catch (UnknownTopicOrPartitionException e) {
            // The broker's message names its own internals; answer as kafka-rest does for an unknown topic.
            throw new UnknownTopicOrPartitionException(Errors.UNKNOWN_TOPIC_OR_PARTITION.message(), e);
        }
    }

    private RestException configNotFound(ConfigResource resource, String name) {
        return RestException.notFound("Config " + name + " cannot be found for " + resource.type() + " "
                + resource.name() + " in cluster " + clusters.clusterId() + ".");
    }
}
