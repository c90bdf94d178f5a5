package io.strata.admin.service;

import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.TopicPartitionReplica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replica sizes on disk, from each broker's DescribeLogDirs (what {@code kafka-log-dirs.sh} shows). A broker that
 * does not answer (down, or refusing the request) leaves its replicas' sizes unknown rather than failing the call.
 */
@Service
public class LogDirService {
    private static final Logger log = LoggerFactory.getLogger(LogDirService.class);

    private final KafkaGateway gateway;
    private final ClusterService clusters;

    public LogDirService(KafkaGateway gateway, ClusterService clusters) {
        this.gateway = gateway;
        this.clusters = clusters;
    }

    /** The size of every replica on every broker of the cluster that answered. */
    public ReplicaSizes sizes() {
        return sizesOn(clusters.describe().brokers().stream().map(Node::id).toList());
    }

    /** The size of every replica on the given brokers, of those that answered. */
    public ReplicaSizes sizesOn(Collection<Integer> brokerIds) {
        Map<Integer, KafkaFuture<Map<String, LogDirDescription>>> futures =
                gateway.admin().describeLogDirs(brokerIds).descriptions();
        Map<TopicPartitionReplica, Long> sizes = new HashMap<>();
        futures.forEach((brokerId, future) -> {
            try {
                for (LogDirDescription dir : gateway.await(future).values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> e : dir.replicaInfos().entrySet()) {
                        if (!e.getValue().isFuture()) {
                            sizes.put(new TopicPartitionReplica(e.getKey().topic(), e.getKey().partition(), brokerId),
                                    e.getValue().size());
                        }
                    }
                }
            } catch (RuntimeException e) {
                log.debug("Broker {} did not describe its log dirs: {}", brokerId, e.toString());
            }
        });
        return new ReplicaSizes(sizes);
    }

    /**
     * The log dirs of each of the given brokers that answered, with the bytes their replicas (future ones included:
     * they take disk too) hold; a broker that does not answer is left out.
     */
    public Map<Integer, List<LogDir>> dirsOn(Collection<Integer> brokerIds) {
        Map<Integer, KafkaFuture<Map<String, LogDirDescription>>> futures =
                gateway.admin().describeLogDirs(brokerIds).descriptions();
        Map<Integer, List<LogDir>> dirs = new HashMap<>();
        futures.forEach((brokerId, future) -> {
            try {
                List<LogDir> of = new ArrayList<>();
                gateway.await(future).forEach((path, dir) -> of.add(new LogDir(path,
                        dir.replicaInfos().values().stream().mapToLong(ReplicaInfo::size).sum(),
                        errorOf(dir))));
                of.sort((a, b) -> a.path().compareTo(b.path()));
                dirs.put(brokerId, of);
            } catch (RuntimeException e) {
                log.debug("Broker {} did not describe its log dirs: {}", brokerId, e.toString());
            }
        });
        return dirs;
    }

    private static String errorOf(LogDirDescription dir) {
        if (dir.error() == null) {
            return null;
        }
        String message = dir.error().getMessage();
        return message == null || message.isBlank() ? dir.error().getClass().getSimpleName() : message;
    }

    /** One log dir of a broker: its path, the bytes its replicas hold, and its error (null while it is healthy). */
    public record LogDir(String path, long sizeBytes, String error) {
    }

    /** Replica sizes in bytes; null where a broker did not report one. */
    public record ReplicaSizes(Map<TopicPartitionReplica, Long> sizes) {
        public ReplicaSizes {
            sizes = Map.copyOf(sizes);
        }

        public static ReplicaSizes none() {
            return new ReplicaSizes(Map.of());
        }

        public Long replica(String topic, int partition, int brokerId) {
            return sizes.get(new TopicPartitionReplica(topic, partition, brokerId));
        }

        /** The size of the partition's leader replica: the partition's size, one copy of it. */
        public Long partition(String topic, TopicPartitionInfo partition) {
            Node leader = partition.leader();
            return leader == null || leader.isEmpty() ? null : replica(topic, partition.partition(), leader.id());
        }

        /** The sum of the partitions' leader replica sizes, or null if any of them is unknown. */
        public Long topic(String topic, Collection<TopicPartitionInfo> partitions) {
            long total = 0;
            for (TopicPartitionInfo p : partitions) {
                Long size = partition(topic, p);
                if (size == null) {
                    return null;
                }
                total += size;
            }
            return total;
        }
    }
}
