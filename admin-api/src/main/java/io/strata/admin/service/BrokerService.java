package io.strata.admin.service;

import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

import java.util.HashMap;
import java.util.Map;

import io.strata.admin.error.RestException;
import org.apache.kafka.common.Node;
import org.springframework.stereotype.Service;

import java.util.List;

/** The cluster's live brokers as the Admin client's DescribeCluster reports them. */
@Service
public class BrokerService {
    /** The read-only broker config a Strata broker reports its build's version under. */
    static final String SOFTWARE_VERSION_CONFIG = "strata.software.version";

    private final ClusterService clusters;
    private final KafkaGateway gateway;

    public BrokerService(ClusterService clusters, KafkaGateway gateway) {
        this.clusters = clusters;
        this.gateway = gateway;
    }

    /**
     * The software version each broker reports (the Kafka protocol has no field for it: Strata brokers report it
     * as the read-only config {@code strata.software.version}); a broker that does not, or does not answer, is
     * left out rather than failing the listing.
     */
    public Map<Integer, String> softwareVersions(List<Node> nodes) {
        Map<ConfigResource, Integer> resources = new HashMap<>();
        nodes.forEach(n -> resources.put(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(n.id())), n.id()));
        Map<Integer, String> versions = new HashMap<>();
        var results = gateway.admin().describeConfigs(resources.keySet()).values();
        results.forEach((resource, future) -> {
            try {
                ConfigEntry entry = gateway.await(future).get(SOFTWARE_VERSION_CONFIG);
                if (entry != null && entry.value() != null) {
                    versions.put(resources.get(resource), entry.value());
                }
            } catch (RuntimeException unavailable) {
                // left out: the listing still answers for the brokers that did
            }
        });
        return versions;
    }

    /** The live brokers, in broker id order. */
    public List<Node> list() {
        return clusters.describe().brokers();
    }

    /** The live broker {@code brokerId}; 404 when the cluster has no such live broker. */
    public Node get(int brokerId) {
        return list().stream().filter(n -> n.id() == brokerId).findFirst()
                .orElseThrow(() -> brokerNotFound(brokerId));
    }

    public static RestException brokerNotFound(int brokerId) {
        return RestException.notFound("Broker " + brokerId + " cannot be found.");
    }
}
