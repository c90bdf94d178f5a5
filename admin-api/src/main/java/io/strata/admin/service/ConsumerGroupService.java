package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consumer groups as the Admin client describes them: list, describe, members, delete.
 *
 * <p>As kafka-rest does, a group the coordinator does not know (Kafka describes it as a simple group in state
 * DEAD) does not exist: listing skips it and asking for it answers 404.
 */
@Service
public class ConsumerGroupService {
    private final KafkaGateway gateway;

    public ConsumerGroupService(KafkaGateway gateway) {
        this.gateway = gateway;
    }

    /** Every consumer group of the cluster, sorted by id. */
    public List<ConsumerGroupDescription> list() {
        List<String> ids = gateway.await(gateway.admin().listGroups(ListGroupsOptions.forConsumerGroups()).valid())
                .stream().map(GroupListing::groupId).sorted().toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, KafkaFuture<ConsumerGroupDescription>> described =
                gateway.admin().describeConsumerGroups(ids).describedGroups();
        List<ConsumerGroupDescription> groups = new ArrayList<>();
        for (String id : ids) {
            describedOrEmpty(described.get(id)).ifPresent(groups::add);
        }
        return groups;
    }

    /** The group {@code groupId}; 404 if the cluster does not know it. */
    public ConsumerGroupDescription get(String groupId) {
        return find(groupId).orElseThrow(() -> groupNotFound(groupId));
    }

    /** The group {@code groupId}, empty if the cluster does not know it. */
    public Optional<ConsumerGroupDescription> find(String groupId) {
        return describedOrEmpty(gateway.admin().describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId));
    }

    /** The member {@code consumerId} of the group; 404 if the group or the member does not exist. */
    public MemberDescription member(String groupId, String consumerId) {
        return get(groupId).members().stream().filter(m -> m.consumerId().equals(consumerId)).findFirst()
                .orElseThrow(() -> RestException.notFound("Consumer " + consumerId + " cannot be found in consumer group "
                        + groupId + "."));
    }

    /** Deletes the group and its committed offsets; a group with members is refused by the broker (400/40002). */
    public void delete(String groupId) {
        try {
            gateway.await(gateway.admin().deleteConsumerGroups(List.of(groupId)).all());
        } catch (GroupIdNotFoundException e) {
            throw groupNotFound(groupId);
        }
    }

    public static RestException groupNotFound(String groupId) {
        return RestException.notFound("Consumer group " + groupId + " cannot be found.");
    }

    /** Whether the group has live members, so its offsets belong to them and may not be changed from outside. */
    public static boolean isActive(ConsumerGroupDescription group) {
        return group.groupState() != GroupState.EMPTY && group.groupState() != GroupState.DEAD;
    }

    private Optional<ConsumerGroupDescription> describedOrEmpty(KafkaFuture<ConsumerGroupDescription> future) {
        try {
            ConsumerGroupDescription group = gateway.await(future);
            boolean unknown = group.isSimpleConsumerGroup() && group.groupState() == GroupState.DEAD;
            return unknown ? Optional.empty() : Optional.of(group);
        } catch (GroupIdNotFoundException e) {
            return Optional.empty();
        }
    }
}
