package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ongoing partition reassignments ({@code Admin.listPartitionReassignments}) and starting one
 * ({@code Admin.alterPartitionReassignments}, a Strata extension of v3).
 *
 * <p>The cluster does not serve reassignment yet (it comes with a later issue): while the broker answers
 * UnsupportedVersion, no reassignment can be in progress, so listing answers none; starting one is refused with
 * a clear 400. Both become real as soon as the broker serves the APIs.
 */
@Service
public class ReassignmentService {
    static final String NOT_SUPPORTED = "partition reassignment is not supported by this cluster yet";

    private final KafkaGateway gateway;
    private final TopicService topics;

    public ReassignmentService(KafkaGateway gateway, TopicService topics) {
        this.gateway = gateway;
        this.topics = topics;
    }

    /** Every ongoing reassignment, by topic and partition. */
    public List<Reassignment> listAll() {
        return list(Optional.empty());
    }

    /** The ongoing reassignments of the topic's partitions; 404/40403 for an unknown topic. */
    public List<Reassignment> listByTopic(String topic) {
        Set<TopicPartition> partitions = topics.describe(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
        return list(Optional.of(partitions));
    }

    /** The partition's ongoing reassignment; 404/40403 for an unknown partition, 404 when none is in progress. */
    public Reassignment get(String topic, int partition) {
        ensurePartition(topic, partition);
        return list(Optional.of(Set.of(new TopicPartition(topic, partition)))).stream().findFirst()
                .orElseThrow(() -> RestException.notFound("No reassignment is in progress for partition "
                        + partition + " of topic " + topic + "."));
    }

    /** Starts moving the partition to {@code replicas}; 400/40002 while the cluster does not serve reassignment. */
    public void start(String topic, int partition, List<Integer> replicas) {
        ensurePartition(topic, partition);
        TopicPartition tp = new TopicPartition(topic, partition);
        try {
            gateway.await(gateway.admin().alterPartitionReassignments(
                    Map.of(tp, Optional.of(new NewPartitionReassignment(replicas)))).all());
        } catch (UnsupportedVersionException e) {
            throw new RestException(HttpStatus.BAD_REQUEST, 40002, NOT_SUPPORTED, e);
        }
    }

    private List<Reassignment> list(Optional<Set<TopicPartition>> partitions) {
        Map<TopicPartition, PartitionReassignment> ongoing;
        try {
            ongoing = gateway.await(partitions.map(gateway.admin()::listPartitionReassignments)
                    .orElseGet(gateway.admin()::listPartitionReassignments).reassignments());
        } catch (UnsupportedVersionException e) {
            // The broker does not serve reassignment, so none can be in progress.
            return List.of();
        }
        return ongoing.entrySet().stream()
                .map(e -> new Reassignment(e.getKey().topic(), e.getKey().partition(),
                        e.getValue().replicas(), e.getValue().addingReplicas(), e.getValue().removingReplicas()))
                .sorted(Comparator.comparing(Reassignment::topic).thenComparingInt(Reassignment::partition))
                .toList();
    }

    private void ensurePartition(String topic, int partition) {
        boolean exists = topics.describe(topic).partitions().stream().anyMatch(p -> p.partition() == partition);
        if (!exists) {
            throw TopicService.topicOrPartitionNotFound();
        }
    }

    public record Reassignment(String topic, int partition, List<Integer> replicas, List<Integer> adding,
                               List<Integer> removing) {
    }
}
