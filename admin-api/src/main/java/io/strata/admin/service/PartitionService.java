package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Partitions and their replicas as the cluster's metadata describes them, and their offsets. */
@Service
public class PartitionService {
    private final KafkaGateway gateway;
    private final TopicService topics;
    private final ClusterService clusters;

    public PartitionService(KafkaGateway gateway, TopicService topics, ClusterService clusters) {
        this.gateway = gateway;
        this.topics = topics;
        this.clusters = clusters;
    }

    /** The topic's partitions by id; 404/40403 for an unknown topic. */
    public List<TopicPartitionInfo> partitions(String topic) {
        return topics.describe(topic).partitions();
    }

    /** One partition; 404/40403 if the topic or the partition does not exist. */
    public TopicPartitionInfo partition(String topic, int partition) {
        return partitions(topic).stream().filter(p -> p.partition() == partition).findFirst()
                .orElseThrow(TopicService::topicOrPartitionNotFound);
    }

    /** The partition's earliest and latest offsets, asked of its leader; 404/40403 for an unknown partition. */
    public Offsets offsets(String topic, int partition) {
        partition(topic, partition);
        TopicPartition tp = new TopicPartition(topic, partition);
        ListOffsetsResult earliest = gateway.admin().listOffsets(Map.of(tp, OffsetSpec.earliest()));
        ListOffsetsResult latest = gateway.admin().listOffsets(Map.of(tp, OffsetSpec.latest()));
        return new Offsets(TopicService.awaitTopic(() -> gateway.await(earliest.partitionResult(tp)).offset()),
                TopicService.awaitTopic(() -> gateway.await(latest.partitionResult(tp)).offset()));
    }

    /**
     * Every replica any partition of any topic has on {@code brokerId}; 404 for a broker not in the cluster.
     * kafka-rest finds them with DescribeLogDirs, which the broker does not serve yet; the topics' metadata names
     * the same assigned replicas.
     */
    public List<Replica> replicasOn(int brokerId) {
        boolean known = clusters.describe().brokers().stream().anyMatch(b -> b.id() == brokerId);
        if (!known) {
            throw RestException.notFound("Broker " + brokerId + " cannot be found.");
        }
        List<Replica> replicas = new ArrayList<>();
        for (TopicDescription topic : topics.list()) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                for (Node replica : partition.replicas()) {
                    if (replica.id() == brokerId) {
                        replicas.add(Replica.of(topic.name(), partition, replica));
                    }
                }
            }
        }
        return replicas;
    }

    public record Offsets(long earliest, long latest) {
    }

    /** One replica of a partition: on which broker, whether it leads and whether it is in sync. */
    public record Replica(String topic, int partition, int brokerId, boolean leader, boolean inSync) {

        public static Replica of(String topic, TopicPartitionInfo partition, Node replica) {
            Node leader = partition.leader();
            return new Replica(topic, partition.partition(), replica.id(),
                    leader != null && !leader.isEmpty() && leader.id() == replica.id(),
                    partition.isr().stream().anyMatch(n -> n.id() == replica.id()));
        }

        /** The partition's replicas in assignment order. */
        public static List<Replica> of(String topic, TopicPartitionInfo partition) {
            return partition.replicas().stream().map(r -> of(topic, partition, r)).toList();
        }
    }
}
