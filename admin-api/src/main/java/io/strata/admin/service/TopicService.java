package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** Topics through the Admin client: list, describe, create, delete, add partitions. The broker validates. */
@Service
public class TopicService {
    private final KafkaGateway gateway;

    public TopicService(KafkaGateway gateway) {
        this.gateway = gateway;
    }

    /** Every topic, internal ones included, by name; topics deleted between listing and describing are left out. */
    public List<TopicDescription> list() {
        Set<String> names = gateway.await(gateway.admin().listTopics(new ListTopicsOptions().listInternal(true)).names());
        if (names.isEmpty()) {
            return List.of();
        }
        Map<String, KafkaFuture<TopicDescription>> described = gateway.admin().describeTopics(names).topicNameValues();
        List<TopicDescription> topics = new ArrayList<>();
        for (String name : names) {
            try {
                topics.add(gateway.await(described.get(name)));
            } catch (UnknownTopicOrPartitionException e) {
                // Deleted since it was listed.
            }
        }
        topics.sort(Comparator.comparing(TopicDescription::name));
        return topics;
    }

    /**
     * Per topic, the sum over its partitions of latest minus earliest offset, from two ListOffsets requests for
     * every partition at once. A topic with a partition whose offsets could not be read (no leader) is left out.
     */
    public Map<String, Long> offsetSpans(List<TopicDescription> described) {
        Map<TopicPartition, OffsetSpec> earliestSpec = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latestSpec = new HashMap<>();
        for (TopicDescription topic : described) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), partition.partition());
                earliestSpec.put(tp, OffsetSpec.earliest());
                latestSpec.put(tp, OffsetSpec.latest());
            }
        }
        if (earliestSpec.isEmpty()) {
            return Map.of();
        }
        ListOffsetsResult earliest = gateway.admin().listOffsets(earliestSpec);
        ListOffsetsResult latest = gateway.admin().listOffsets(latestSpec);
        Map<String, Long> spans = new HashMap<>();
        for (TopicDescription topic : described) {
            long span = 0;
            try {
                for (TopicPartitionInfo partition : topic.partitions()) {
                    TopicPartition tp = new TopicPartition(topic.name(), partition.partition());
                    span += gateway.await(latest.partitionResult(tp)).offset()
                            - gateway.await(earliest.partitionResult(tp)).offset();
                }
                spans.put(topic.name(), span);
            } catch (KafkaException e) {
                // Leaderless or deleted meanwhile: no span rather than a wrong one.
            }
        }
        return spans;
    }

    /** The topic {@code name}; 404/40403 if there is none. */
    public TopicDescription describe(String name) {
        return awaitTopic(() -> gateway.await(gateway.admin().describeTopics(List.of(name)).topicNameValues().get(name)));
    }

    /** Creates (or with {@code spec.validateOnly()} only checks) a topic; what the broker made of it. */
    public CreatedTopic create(TopicSpec spec) {
        NewTopic topic = spec.replicasAssignments().isEmpty()
                ? new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor().map(Integer::shortValue))
                : new NewTopic(spec.name(), spec.replicasAssignments());
        topic.configs(spec.configs());
        CreateTopicsResult result = gateway.admin().createTopics(List.of(topic),
                new CreateTopicsOptions().validateOnly(spec.validateOnly()));
        gateway.await(result.all());
        int partitions = gateway.await(result.numPartitions(spec.name()));
        int replicationFactor = gateway.await(result.replicationFactor(spec.name()));
        return new CreatedTopic(spec.name(), partitions, replicationFactor);
    }

    public void delete(String name) {
        awaitTopic(() -> gateway.await(gateway.admin().deleteTopics(List.of(name)).all()));
    }

    /** Grows the topic to {@code count} partitions; fewer or equal is refused by the broker (400/40002). */
    public TopicDescription increasePartitions(String name, int count) {
        awaitTopic(() -> gateway.await(gateway.admin()
                .createPartitions(Map.of(name, NewPartitions.increaseTo(count))).all()));
        return describe(name);
    }

    /** 404/40403 with kafka-rest's message when the topic or partition does not exist. */
    public static RestException topicOrPartitionNotFound() {
        return new RestException(HttpStatus.NOT_FOUND, 40403,
                Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
    }

    /** Runs an Admin call on a topic, answering an unknown topic with kafka-rest's 404/40403 message. */
    static <T> T awaitTopic(Supplier<T> call) {
        try {
            return call.get();
        } catch (UnknownTopicOrPartitionException e) {
            RestException notFound = topicOrPartitionNotFound();
            notFound.initCause(e);
            throw notFound;
        }
    }

    /**
     * A topic to create: absent partitions and replication factor take the broker's defaults;
     * {@code replicasAssignments} (partition to brokers), when not empty, replaces both.
     */
    public record TopicSpec(String name, Optional<Integer> partitions, Optional<Integer> replicationFactor,
                            Map<Integer, List<Integer>> replicasAssignments, Map<String, String> configs,
                            boolean validateOnly) {
    }

    /** The topic as created (or as it would be, for a validation): partitions and replication factor. */
    public record CreatedTopic(String name, int partitions, int replicationFactor) {
    }
}
