package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A consumer group's lag on each partition it has committed offsets for: the committed offset
 * ({@code Admin.listConsumerGroupOffsets}) against the log end a read_committed consumer sees
 * ({@code Admin.listOffsets} latest), as kafka-rest computes it.
 */
@Service
public class ConsumerLagService {
    private final KafkaGateway gateway;
    private final ConsumerGroupService groups;

    public ConsumerLagService(KafkaGateway gateway, ConsumerGroupService groups) {
        this.gateway = gateway;
        this.groups = groups;
    }

    /** The lag on one partition, with the member that owns it (null while no member does). */
    public record Lag(TopicPartition partition, long currentOffset, long logEndOffset, MemberDescription owner) {
        public long lag() {
            return Math.max(0, logEndOffset - currentOffset);
        }
    }

    /** The group's largest lag on one partition and the sum of its lags. */
    public record Summary(Lag max, long totalLag) {
    }

    /**
     * The group's lag on every partition it has committed offsets for, by topic and partition. 404 for an unknown
     * group, and (as kafka-rest answers) for a group without committed offsets.
     */
    public List<Lag> lags(String groupId) {
        ConsumerGroupDescription group = groups.get(groupId);
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(
                gateway.await(gateway.admin().listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()));
        committed.values().removeIf(Objects::isNull);
        if (committed.isEmpty()) {
            throw RestException.notFound("Consumer group " + groupId + " has no committed offsets.");
        }
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = gateway.await(gateway.admin()
                .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all());
        Map<TopicPartition, MemberDescription> owners = owners(group);
        List<Lag> lags = new ArrayList<>();
        committed.forEach((tp, offset) -> {
            ListOffsetsResult.ListOffsetsResultInfo end = ends.get(tp);
            if (end != null) {
                lags.add(new Lag(tp, offset.offset(), end.offset(), owners.get(tp)));
            }
        });
        lags.sort(Comparator.comparing((Lag l) -> l.partition().topic()).thenComparingInt(l -> l.partition().partition()));
        return lags;
    }

    /** The lag on one partition; 404 when the group has no committed offset there. */
    public Lag lag(String groupId, String topic, int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return lags(groupId).stream().filter(l -> l.partition().equals(tp)).findFirst()
                .orElseThrow(() -> RestException.notFound("Consumer group " + groupId
                        + " has no committed offset on partition " + partition + " of topic " + topic + "."));
    }

    /** The largest lag (the first partition in topic/partition order among equals) and the total. */
    public Summary summary(String groupId) {
        List<Lag> lags = lags(groupId);
        Lag max = lags.get(0);
        long total = 0;
        for (Lag lag : lags) {
            total += lag.lag();
            if (lag.lag() > max.lag()) {
                max = lag;
            }
        }
        return new Summary(max, total);
    }

    private static Map<TopicPartition, MemberDescription> owners(ConsumerGroupDescription group) {
        Map<TopicPartition, MemberDescription> owners = new HashMap<>();
        for (MemberDescription member : group.members()) {
            member.assignment().topicPartitions().forEach(tp -> owners.put(tp, member));
        }
        return owners;
    }
}
