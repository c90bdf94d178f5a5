package io.strata.engine.it.group;

import io.strata.engine.it.BrokerTestBase;

import io.strata.engine.it.BrokerFixture;
import io.strata.engine.it.group.GroupTestSupport.RecordingListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import static io.strata.engine.it.group.GroupTestSupport.assignments;
import static io.strata.engine.it.group.GroupTestSupport.groupConsumer;
import static io.strata.engine.it.group.GroupTestSupport.pollUntil;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Static membership (KIP-345) over the classic protocol. In kafka-clients 4.x a static member does not send
 * LeaveGroup when it is closed with the default {@link CloseOptions} (only dynamic members do), so the coordinator
 * keeps its slot until the session timeout: a restart with the same group.instance.id gets the same partitions
 * without a rebalance, while a member that does not come back is removed after the session timeout.
 */
class StaticMembershipTest extends BrokerTestBase {
    private static final String TOPIC = "static";
    private static final int PARTITIONS = 4;

    private Admin admin;

    @BeforeEach
    protected void startBroker() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        admin = fixture.admin();
        fixture.createTopic(admin, TOPIC, PARTITIONS, Map.of());
    }

    @Test
    void restartedStaticMemberGetsItsPartitionsBackWithoutARebalance() throws Exception {
        String group = "static-restart";
        int sessionTimeoutMs = 10_000;
        KafkaConsumer<String, String> first = staticMember(group, "instance-1", sessionTimeoutMs);
        RecordingListener firstListener = new RecordingListener();
        first.subscribe(List.of(TOPIC), firstListener);
        // The first member is alone in generation 1, the second joins later: both rejoin for generation 2, so the
        // subscription the coordinator stored for the first member carries generation 1 (ConsumerProtocol v2+),
        // while its restarted incarnation will send generation -1. The selected protocol does not change, though.
        pollUntil("the first member owns all partitions", Duration.ofSeconds(30), List.of(first), null,
                () -> first.assignment().size() == PARTITIONS, () -> assignments(List.of(first)));
        KafkaConsumer<String, String> second = staticMember(group, "instance-2", sessionTimeoutMs);
        RecordingListener secondListener = new RecordingListener();
        second.subscribe(List.of(TOPIC), secondListener);
        List<KafkaConsumer<String, String>> both = List.of(first, second);
        pollUntil("two static members hold 2 partitions each", Duration.ofSeconds(30), both, null,
                () -> GroupTestSupport.evenlySplit(both, 2, PARTITIONS), () -> assignments(both));
        Set<TopicPartition> firstPartitions = Set.copyOf(first.assignment());
        Set<TopicPartition> secondPartitions = Set.copyOf(second.assignment());
        // The range assignor orders static members by group.instance.id.
        assertThat(firstPartitions).containsExactlyInAnyOrder(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
        int generation = second.groupMetadata().generationId();
        String firstMemberId = first.groupMetadata().memberId();
        assertThat(first.groupMetadata().groupInstanceId()).contains("instance-1");
        Map<String, String> memberIdsBefore = memberIdsByInstance(group);
        assertThat(memberIdsBefore).containsEntry("instance-1", firstMemberId)
                .containsEntry("instance-2", second.groupMetadata().memberId());
        int secondEvents = secondListener.events.size();

        // Close the first static member (no LeaveGroup) and start its replacement right away.
        first.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        GroupTestSupport.pollFor(Duration.ofSeconds(1), List.of(second), null);
        assertThat(describe(group).members()).as("the closed static member keeps its slot").hasSize(2);

        KafkaConsumer<String, String> replacement = staticMember(group, "instance-1", sessionTimeoutMs);
        RecordingListener replacementListener = new RecordingListener();
        replacement.subscribe(List.of(TOPIC), replacementListener);
        List<KafkaConsumer<String, String>> now = List.of(replacement, second);
        pollUntil("the replacement got partitions", Duration.ofSeconds(30), now, null,
                () -> !replacement.assignment().isEmpty(), () -> assignments(now));
        // Keep both polling for a few heartbeats: a rebalance triggered by the rejoin would show up here.
        GroupTestSupport.pollFor(Duration.ofSeconds(3), now, null);

        assertThat(Set.copyOf(replacement.assignment())).as("partitions of the replacement")
                .isEqualTo(firstPartitions);
        assertThat(Set.copyOf(second.assignment())).isEqualTo(secondPartitions);
        assertThat(secondListener.since(secondEvents)).as("rebalance callbacks of the other member").isEmpty();
        assertThat(second.groupMetadata().generationId()).as("generation seen by the other member")
                .isEqualTo(generation);
        assertThat(replacement.groupMetadata().generationId()).as("generation of the replacement")
                .isEqualTo(generation);
        assertThat(replacementListener.events).extracting(RecordingListener.Event::kind)
                .containsExactly(RecordingListener.Kind.ASSIGNED);

        ConsumerGroupDescription described = describe(group);
        assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
        Map<String, String> memberIdsAfter = memberIdsByInstance(group);
        assertThat(memberIdsAfter.keySet()).containsExactlyInAnyOrder("instance-1", "instance-2");
        assertThat(memberIdsAfter.get("instance-1")).as("the replacement has a new member id")
                .isNotEqualTo(firstMemberId).isEqualTo(replacement.groupMetadata().memberId());
        assertThat(memberIdsAfter.get("instance-2")).isEqualTo(memberIdsBefore.get("instance-2"));
        assertThat(described.members()).filteredOn(m -> m.groupInstanceId().equals(Optional.of("instance-1")))
                .singleElement().satisfies(m -> assertThat(m.assignment().topicPartitions()).isEqualTo(firstPartitions));
    }

    @Test
    void staticMemberThatDoesNotComeBackIsRemovedAfterTheSessionTimeout() throws Exception {
        String group = "static-gone";
        int sessionTimeoutMs = 6_000;
        KafkaConsumer<String, String> first = staticMember(group, "instance-1", sessionTimeoutMs);
        first.subscribe(List.of(TOPIC));
        KafkaConsumer<String, String> second = staticMember(group, "instance-2", sessionTimeoutMs);
        RecordingListener secondListener = new RecordingListener();
        second.subscribe(List.of(TOPIC), secondListener);
        List<KafkaConsumer<String, String>> both = List.of(first, second);
        pollUntil("two static members hold 2 partitions each", Duration.ofSeconds(30), both, null,
                () -> GroupTestSupport.evenlySplit(both, 2, PARTITIONS), () -> assignments(both));
        int generation = second.groupMetadata().generationId();
        int secondEvents = secondListener.events.size();

        first.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        long closedAt = System.nanoTime();
        // Well within the session timeout nothing changes: the member did not leave.
        GroupTestSupport.pollFor(Duration.ofSeconds(2), List.of(second), null);
        assertThat(second.assignment()).hasSize(2);
        assertThat(second.groupMetadata().generationId()).isEqualTo(generation);
        assertThat(secondListener.since(secondEvents)).isEmpty();

        pollUntil("the remaining member owns all partitions", Duration.ofSeconds(40), List.of(second), null,
                () -> second.assignment().size() == PARTITIONS, () -> assignments(List.of(second)));
        Duration removedAfter = Duration.ofNanos(System.nanoTime() - closedAt);
        assertThat(removedAfter).as("the member was removed by session expiry, not earlier")
                .isGreaterThanOrEqualTo(Duration.ofMillis(sessionTimeoutMs - 1_000));
        assertThat(second.groupMetadata().generationId()).isGreaterThan(generation);

        ConsumerGroupDescription described = describe(group);
        assertThat(described.members()).singleElement().satisfies(m -> {
            assertThat(m.groupInstanceId()).contains("instance-2");
            assertThat(m.assignment().topicPartitions()).hasSize(PARTITIONS);
        });
    }

    @Test
    void secondConsumerWithTheSameInstanceIdFencesTheFirst() throws Exception {
        String group = "static-fenced";
        KafkaConsumer<String, String> first = staticMember(group, "instance-1", 10_000);
        first.subscribe(List.of(TOPIC));
        pollUntil("the first member owns all partitions", Duration.ofSeconds(30), List.of(first), null,
                () -> first.assignment().size() == PARTITIONS, () -> assignments(List.of(first)));
        String firstMemberId = first.groupMetadata().memberId();

        // While the first is alive, a second consumer joins with the same group.instance.id: it takes over the slot.
        KafkaConsumer<String, String> second = staticMember(group, "instance-1", 10_000);
        second.subscribe(List.of(TOPIC));
        pollUntil("the second member owns all partitions", Duration.ofSeconds(30), List.of(second), null,
                () -> second.assignment().size() == PARTITIONS, () -> assignments(List.of(second)));
        assertThat(second.groupMetadata().memberId()).isNotEqualTo(firstMemberId);

        // The first one's next heartbeat or commit is fenced.
        Throwable thrown = catchThrowable(() -> pollUntil("the first member is fenced", Duration.ofSeconds(20),
                List.of(first), null, () -> false, null));
        assertThat(thrown).isInstanceOf(FencedInstanceIdException.class);
        assertThat(describe(group).members()).singleElement().satisfies(m -> {
            assertThat(m.consumerId()).isEqualTo(second.groupMetadata().memberId());
            assertThat(m.groupInstanceId()).contains("instance-1");
        });
        GroupTestSupport.pollFor(Duration.ofSeconds(1), List.of(second), null);
        assertThat(second.assignment()).hasSize(PARTITIONS);
    }

    @Test
    void adminRemovesAStaticMemberRightAway() throws Exception {
        String group = "static-removed";
        int sessionTimeoutMs = 30_000;
        KafkaConsumer<String, String> first = staticMember(group, "instance-1", sessionTimeoutMs);
        first.subscribe(List.of(TOPIC));
        KafkaConsumer<String, String> second = staticMember(group, "instance-2", sessionTimeoutMs);
        second.subscribe(List.of(TOPIC));
        List<KafkaConsumer<String, String>> both = List.of(first, second);
        pollUntil("two static members hold 2 partitions each", Duration.ofSeconds(30), both, null,
                () -> GroupTestSupport.evenlySplit(both, 2, PARTITIONS), () -> assignments(both));
        first.close(CloseOptions.timeout(Duration.ofSeconds(10)));

        Throwable unknown = catchThrowable(() -> admin.removeMembersFromConsumerGroup(group,
                new RemoveMembersFromConsumerGroupOptions(List.of(new MemberToRemove("instance-unknown"))))
                .all().get(30, SECONDS));
        assertThat(unknown).as("removing an unknown static member").isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(UnknownMemberIdException.class);

        MemberToRemove gone = new MemberToRemove("instance-1");
        admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(List.of(gone)))
                .memberResult(gone).get(30, SECONDS);
        // LeaveGroup by group.instance.id rebalances at once instead of after the 30 s session timeout.
        pollUntil("the remaining member owns all partitions", Duration.ofSeconds(20), List.of(second), null,
                () -> second.assignment().size() == PARTITIONS, () -> assignments(List.of(second)));
        assertThat(describe(group).members()).singleElement()
                .satisfies(m -> assertThat(m.groupInstanceId()).contains("instance-2"));
    }

    private KafkaConsumer<String, String> staticMember(String group, String instanceId, int sessionTimeoutMs) {
        return groupConsumer(fixture, group, instanceId + "-client-" + System.nanoTime(), Map.of(
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName()));
    }

    private ConsumerGroupDescription describe(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get(30, SECONDS).get(group);
    }

    private Map<String, String> memberIdsByInstance(String group) throws Exception {
        return describe(group).members().stream().collect(Collectors.toMap(
                m -> m.groupInstanceId().orElse("<dynamic " + m.consumerId() + ">"), MemberDescription::consumerId));
    }

}
