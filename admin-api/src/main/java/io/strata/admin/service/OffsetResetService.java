package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Strata's offset reset for a consumer group (beyond v3): computes the new committed offset of each chosen
 * partition and commits them with {@code Admin.alterConsumerGroupOffsets}, or only answers them on a dry run.
 * Like kafka-consumer-groups.sh it refuses while the group has active members, whose own commits would win.
 */
@Service
public class OffsetResetService {
    private final KafkaGateway gateway;
    private final ConsumerGroupService groups;

    public OffsetResetService(KafkaGateway gateway, ConsumerGroupService groups) {
        this.gateway = gateway;
        this.groups = groups;
    }

    /** The partitions of one topic to reset; all of them when {@code partitions} is null or empty. */
    public record TopicSelection(String topic, List<Integer> partitions) {
    }

    /** One partition's reset: the committed offset before (null if none) and after. */
    public record Reset(TopicPartition partition, Long previousOffset, long newOffset) {
    }

    /**
     * Resets the group's offsets on the selected partitions, or on every partition it has committed offsets for
     * when {@code topics} is empty. A group the cluster does not know yet may be given offsets on named topics.
     */
    public List<Reset> reset(String groupId, List<TopicSelection> topics, OffsetTarget target, boolean dryRun) {
        Optional<ConsumerGroupDescription> group = groups.find(groupId);
        if (group.isPresent() && ConsumerGroupService.isActive(group.get())) {
            throw active(groupId, "it is " + group.get().groupState(), null);
        }
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        if (group.isPresent()) {
            gateway.await(gateway.admin().listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata())
                    .forEach((tp, offset) -> {
                        if (offset != null) {
                            committed.put(tp, offset);
                        }
                    });
        }
        Set<TopicPartition> partitions = topics == null || topics.isEmpty()
                ? committedPartitions(groupId, committed) : selected(topics);

        Map<TopicPartition, Long> earliest = offsets(partitions, tp -> OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = offsets(partitions, tp -> OffsetSpec.latest());
        Map<TopicPartition, Long> forTimestamp = target.strategy() == OffsetTarget.Strategy.TIMESTAMP
                ? offsets(partitions, tp -> OffsetSpec.forTimestamp(target.timestamp())) : Map.of();

        List<Reset> resets = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> commits = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata before = committed.get(tp);
            Long at = forTimestamp.get(tp);
            long after = target.resolve(before == null ? null : before.offset(), earliest.get(tp), latest.get(tp),
                    at == null || at < 0 ? null : at);
            resets.add(new Reset(tp, before == null ? null : before.offset(), after));
            commits.put(tp, new OffsetAndMetadata(after));
        }
        if (!dryRun && !commits.isEmpty()) {
            try {
                gateway.await(gateway.admin().alterConsumerGroupOffsets(groupId, commits).all());
            } catch (UnknownMemberIdException | RebalanceInProgressException | IllegalGenerationException e) {
                // A member joined since the state check: the coordinator refuses commits from outside the group.
                throw active(groupId, "a member joined it", e);
            }
        }
        return resets;
    }

    private static RestException active(String groupId, String why, Throwable cause) {
        return new RestException(HttpStatus.CONFLICT, 409, "Offsets of consumer group " + groupId
                + " can only be reset while it has no active members, but " + why + ". Stop its consumers first.",
                cause);
    }

    private static Set<TopicPartition> committedPartitions(String groupId, Map<TopicPartition, OffsetAndMetadata> committed) {
        if (committed.isEmpty()) {
            throw RestException.badRequest("Consumer group " + groupId
                    + " has no committed offsets: name the topics to reset");
        }
        Set<TopicPartition> partitions = sortedSet();
        partitions.addAll(committed.keySet());
        return partitions;
    }

    /** The named partitions, checked against the topics' partitions (404/40403 for one that does not exist). */
    private Set<TopicPartition> selected(List<TopicSelection> topics) {
        List<String> names = topics.stream().map(t -> {
            if (t == null || t.topic() == null || t.topic().isBlank()) {
                throw RestException.badRequest("Every topic of an offset reset needs a topic_name");
            }
            return t.topic();
        }).distinct().toList();
        Map<String, TopicDescription> described = gateway.await(gateway.admin().describeTopics(names).allTopicNames());
        Set<TopicPartition> partitions = sortedSet();
        for (TopicSelection selection : topics) {
            Set<Integer> existing = described.get(selection.topic()).partitions().stream()
                    .map(TopicPartitionInfo::partition).collect(Collectors.toSet());
            List<Integer> wanted = selection.partitions() == null || selection.partitions().isEmpty()
                    ? List.copyOf(existing) : selection.partitions();
            for (Integer p : wanted) {
                if (p == null) {
                    throw RestException.badRequest("A partition id of topic " + selection.topic() + " is null");
                }
                if (!existing.contains(p)) {
                    throw new UnknownTopicOrPartitionException("Partition " + p + " of topic " + selection.topic()
                            + " does not exist.");
                }
                partitions.add(new TopicPartition(selection.topic(), p));
            }
        }
        return partitions;
    }

    private Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions, Function<TopicPartition, OffsetSpec> spec) {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(tp -> tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> answer = gateway.await(gateway.admin().listOffsets(request).all());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        answer.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private static Set<TopicPartition> sortedSet() {
        return new TreeSet<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    }
}
