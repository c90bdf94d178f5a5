package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.stereotype.Service;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster as the Admin client sees it. Every v3 operation names a cluster id; {@link #requireCluster}
 * refuses ids other than the cluster's own with kafka-rest's 404.
 *
 * <p>The cluster id never changes for a running cluster, so it is read once and kept.
 */
@Service
public class ClusterService {
    private final KafkaGateway gateway;
    private volatile String clusterId;

    public ClusterService(KafkaGateway gateway) {
        this.gateway = gateway;
    }

    /** The cluster's id, asked of the cluster on first use. */
    public String clusterId() {
        String id = clusterId;
        if (id == null) {
            id = gateway.await(gateway.admin().describeCluster().clusterId());
            clusterId = id;
        }
        return id;
    }

    /** Fails with 404 unless {@code requested} is this cluster's id. */
    public void requireCluster(String requested) {
        if (!clusterId().equals(requested)) {
            throw RestException.clusterNotFound(requested);
        }
    }

    /** The live brokers and the controller, in broker id order. */
    public ClusterView describe() {
        DescribeClusterResult result = gateway.admin().describeCluster(new DescribeClusterOptions());
        Collection<Node> nodes = gateway.await(result.nodes());
        Node controller = gateway.await(result.controller());
        List<Node> sorted = nodes.stream().sorted(Comparator.comparingInt(Node::id)).toList();
        return new ClusterView(clusterId(), controller == null || controller.isEmpty() ? null : controller, sorted);
    }

    /**
     * The partitions' replication health (a Strata extension of the cluster resource): over every topic, internal
     * ones included, the partitions whose ISR is smaller than their replica set, those whose ISR is below their
     * topic's min.insync.replicas (acks=all produce fails there), and those without a leader.
     */
    public PartitionHealth partitionHealth() {
        Set<String> topics = gateway.await(gateway.admin().listTopics(new ListTopicsOptions().listInternal(true)).names());
        if (topics.isEmpty()) {
            return new PartitionHealth(0, 0, 0);
        }
        Map<String, TopicDescription> described = gateway.await(gateway.admin().describeTopics(topics).allTopicNames());
        Map<String, Integer> minIsr = minInsyncReplicas(described.keySet());
        int underReplicated = 0;
        int underMinIsr = 0;
        int offline = 0;
        for (TopicDescription topic : described.values()) {
            int min = minIsr.getOrDefault(topic.name(), 1);
            for (TopicPartitionInfo partition : topic.partitions()) {
                if (partition.isr().size() < partition.replicas().size()) {
                    underReplicated++;
                }
                if (partition.isr().size() < min) {
                    underMinIsr++;
                }
                if (partition.leader() == null || partition.leader().isEmpty()) {
                    offline++;
                }
            }
        }
        return new PartitionHealth(underReplicated, underMinIsr, offline);
    }

    private Map<String, Integer> minInsyncReplicas(Set<String> topics) {
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = gateway.await(gateway.admin().describeConfigs(resources).all());
        Map<String, Integer> minIsr = new HashMap<>();
        configs.forEach((resource, config) -> {
            ConfigEntry entry = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            if (entry != null && entry.value() != null) {
                try {
                    minIsr.put(resource.name(), Integer.parseInt(entry.value()));
                } catch (NumberFormatException ignored) {
                    // the broker validates the value; an unreadable one counts as Kafka's default of 1
                }
            }
        });
        return minIsr;
    }

    /** Counts of under-replicated, under-min-ISR and offline (leaderless) partitions. */
    public record PartitionHealth(int underReplicated, int underMinIsr, int offline) {
    }

    /** The cluster at one moment: its id, controller (null while none is known) and live brokers. */
    public record ClusterView(String clusterId, Node controller, List<Node> brokers) {
    }
}
