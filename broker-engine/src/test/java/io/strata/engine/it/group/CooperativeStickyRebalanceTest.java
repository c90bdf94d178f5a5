package io.strata.engine.it.group;

import io.strata.engine.it.StartedBrokerTestBase;

import io.strata.engine.it.BrokerFixture;
import io.strata.engine.it.group.GroupTestSupport.RecordingListener;
import io.strata.engine.it.group.GroupTestSupport.RecordingListener.Kind;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.strata.engine.it.group.GroupTestSupport.assignments;
import static io.strata.engine.it.group.GroupTestSupport.groupConsumer;
import static io.strata.engine.it.group.GroupTestSupport.pollUntil;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Incremental cooperative rebalancing over the classic protocol: when a third member joins, the two existing members
 * give up only the partitions that move to it and keep consuming the rest.
 */
class CooperativeStickyRebalanceTest extends StartedBrokerTestBase {
    private static final String TOPIC = "cooperative";
    private static final String GROUP = "cooperative-group";
    private static final int PARTITIONS = 6;

    @Test
    void joiningMemberTakesOnlyWhatMovesAndOthersKeepTheRest() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, TOPIC, PARTITIONS, Map.of());
        GroupTestSupport.producePerPartition(fixture.producer(Map.of()), TOPIC, PARTITIONS, 50, null);
        Map<String, Object> props = Map.of(
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());

        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        List<RecordingListener> listeners = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            KafkaConsumer<String, String> consumer = groupConsumer(fixture, GROUP, "coop-" + m, props);
            RecordingListener listener = new RecordingListener();
            consumer.subscribe(List.of(TOPIC), listener);
            members.add(consumer);
            listeners.add(listener);
        }
        pollUntil("two members hold 3 partitions each", Duration.ofSeconds(30), members, null,
                () -> GroupTestSupport.evenlySplit(members, 3, PARTITIONS), () -> assignments(members));
        List<Set<TopicPartition>> before = members.stream().map(c -> Set.copyOf(c.assignment())).toList();
        int generationBefore = members.get(0).groupMetadata().generationId();
        List<Integer> eventMarks = listeners.stream().map(l -> l.events.size()).toList();

        ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(GROUP)).all().get(30, SECONDS)
                .get(GROUP);
        assertThat(described.partitionAssignor()).isEqualTo("cooperative-sticky");
        assertThat(described.groupState()).isEqualTo(GroupState.STABLE);

        // A third member joins.
        KafkaConsumer<String, String> joining = groupConsumer(fixture, GROUP, "coop-2", props);
        RecordingListener joiningListener = new RecordingListener();
        joining.subscribe(List.of(TOPIC), joiningListener);
        members.add(joining);
        listeners.add(joiningListener);
        int[] minHeld = {3, 3};
        pollUntil("three members hold 2 partitions each", Duration.ofSeconds(30), members, null, () -> {
            for (int m = 0; m < 2; m++) {
                minHeld[m] = Math.min(minHeld[m], members.get(m).assignment().size());
            }
            return GroupTestSupport.evenlySplit(members, 2, PARTITIONS);
        }, () -> assignments(members) + "; callbacks " + listeners);

        Set<TopicPartition> moved = new HashSet<>();
        for (int m = 0; m < 2; m++) {
            RecordingListener listener = listeners.get(m);
            int mark = eventMarks.get(m);
            Set<TopicPartition> now = Set.copyOf(members.get(m).assignment());
            Set<TopicPartition> revoked = listener.all(Kind.REVOKED, mark);
            assertThat(listener.all(Kind.LOST, mark)).as("member %d lost partitions", m).isEmpty();
            assertThat(revoked).as("partitions member %d revoked (callbacks %s)", m, listener.since(mark))
                    .hasSize(1).isSubsetOf(before.get(m));
            assertThat(now).as("member %d keeps 2 of its 3 partitions", m).hasSize(2).isSubsetOf(before.get(m))
                    .doesNotContainAnyElementsOf(revoked);
            assertThat(listener.since(mark)).as("member %d's onPartitionsAssigned got no new partitions", m)
                    .filteredOn(e -> e.kind() == Kind.ASSIGNED).allSatisfy(e -> assertThat(e.partitions()).isEmpty());
            assertThat(minHeld[m]).as("fewest partitions member %d held during the rebalance", m).isEqualTo(2);
            moved.addAll(revoked);
        }
        assertThat(Set.copyOf(joining.assignment())).as("the new member's partitions are the revoked ones")
                .isEqualTo(moved);
        assertThat(joiningListener.all(Kind.REVOKED, 0)).isEmpty();
        assertThat(joiningListener.all(Kind.LOST, 0)).isEmpty();
        assertThat(joiningListener.all(Kind.ASSIGNED, 0)).isEqualTo(moved);
        // Incremental: one rebalance to revoke, one to assign.
        assertThat(joining.groupMetadata().generationId()).isGreaterThanOrEqualTo(generationBefore + 2);

        described = admin.describeConsumerGroups(List.of(GROUP)).all().get(30, SECONDS).get(GROUP);
        assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(described.members()).hasSize(3);
        Map<String, Set<TopicPartition>> describedAssignments = described.members().stream()
                .collect(Collectors.toMap(MemberDescription::clientId, d -> d.assignment().topicPartitions()));
        assertThat(describedAssignments).isEqualTo(Map.of(
                "coop-0", Set.copyOf(members.get(0).assignment()),
                "coop-1", Set.copyOf(members.get(1).assignment()),
                "coop-2", Set.copyOf(members.get(2).assignment())));
    }

}
