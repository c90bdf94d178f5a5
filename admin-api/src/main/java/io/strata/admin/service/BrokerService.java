package io.strata.admin.service;

import io.strata.admin.error.RestException;
import org.apache.kafka.common.Node;
import org.springframework.stereotype.Service;

import java.util.List;

/** The cluster's live brokers as the Admin client's DescribeCluster reports them. */
@Service
public class BrokerService {
    private final ClusterService clusters;

    public BrokerService(ClusterService clusters) {
        this.clusters = clusters;
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
