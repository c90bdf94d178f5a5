package io.strata.engine.it.group;

import io.strata.engine.it.BrokerTestBase;

import io.strata.engine.it.BrokerFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.strata.engine.it.group.GroupTestSupport.committedOffsets;
import static io.strata.engine.it.group.GroupTestSupport.groupConsumer;
import static io.strata.engine.it.group.GroupTestSupport.pollUntil;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The kafka-clients Admin group APIs against live and empty classic groups, with Kafka's error semantics. */
class ConsumerGroupAdminTest extends BrokerTestBase {
    private static final String TOPIC = "admin-topic";
    private static final String OTHER = "admin-other";
    private static final String GROUP = "admin-group";
    private static final String SIMPLE_GROUP = "admin-simple-group";
    private static final String OFFSETS_TOPIC = "__consumer_offsets";
    private static final int PER_PARTITION = 100;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    private Admin admin;

    @BeforeEach
    protected void startBroker() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        admin = fixture.admin();
        fixture.createTopic(admin, TOPIC, 2, Map.of());
        fixture.createTopic(admin, OTHER, 1, Map.of());
        // Record i of each partition has timestamp BASE_TIMESTAMP + i seconds.
        GroupTestSupport.producePerPartition(fixture.producer(Map.of()), TOPIC, 2, PER_PARTITION, BASE_TIMESTAMP);
        GroupTestSupport.producePerPartition(fixture.producer(Map.of()), OTHER, 1, 10, null);
    }

    @Test
    @SuppressWarnings("deprecation") // listConsumerGroups is deprecated in favour of listGroups, both are tested
    void describeListAlterAndDeleteGroups() throws Exception {
        TopicPartition t0 = new TopicPartition(TOPIC, 0);
        TopicPartition t1 = new TopicPartition(TOPIC, 1);
        TopicPartition other = new TopicPartition(OTHER, 0);

        KafkaConsumer<String, String> member = groupConsumer(fixture, GROUP, "admin-client", Map.of());
        member.subscribe(List.of(TOPIC));
        pollUntil("the member owns both partitions", Duration.ofSeconds(30), List.of(member), null,
                () -> member.assignment().size() == 2, () -> member.assignment().toString());
        member.commitSync(Map.of(t0, new OffsetAndMetadata(30), t1, new OffsetAndMetadata(40)),
                Duration.ofSeconds(30));
        // Offsets for a topic the group is not subscribed to (Kafka accepts commits for any partition).
        member.commitSync(Map.of(other, new OffsetAndMetadata(5)), Duration.ofSeconds(30));
        admin.alterConsumerGroupOffsets(SIMPLE_GROUP, Map.of(t0, new OffsetAndMetadata(3))).all().get(30, SECONDS);

        // ---- describe ----
        ConsumerGroupDescription described = describe(GROUP);
        assertThat(described.groupId()).isEqualTo(GROUP);
        assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(described.type()).isEqualTo(GroupType.CLASSIC);
        assertThat(described.isSimpleConsumerGroup()).isFalse();
        assertThat(described.partitionAssignor()).isEqualTo("range");
        assertThat(described.coordinator()).isNotNull();
        assertThat(described.coordinator().id()).isZero();
        assertThat(described.coordinator().port()).isEqualTo(fixture.broker().boundPort());
        assertThat(described.members()).singleElement().satisfies(m -> {
            assertThat(m.consumerId()).isEqualTo(member.groupMetadata().memberId());
            assertThat(m.clientId()).isEqualTo("admin-client");
            assertThat(m.host()).isNotBlank();
            assertThat(m.groupInstanceId()).isEmpty();
            assertThat(m.assignment().topicPartitions()).containsExactlyInAnyOrder(t0, t1);
        });

        // One call for several groups, including one that does not exist.
        Map<String, KafkaFuture<ConsumerGroupDescription>> several = admin.describeConsumerGroups(
                List.of(GROUP, SIMPLE_GROUP, "no-such-group")).describedGroups();
        assertThat(several.get(GROUP).get(30, SECONDS).members()).hasSize(1);
        ConsumerGroupDescription simple = several.get(SIMPLE_GROUP).get(30, SECONDS);
        assertThat(simple.groupState()).isEqualTo(GroupState.EMPTY);
        assertThat(simple.members()).isEmpty();
        assertThat(cause(several.get("no-such-group"))).isInstanceOf(GroupIdNotFoundException.class);

        // ---- list ----
        Map<String, ConsumerGroupListing> consumerGroups = admin.listConsumerGroups().all().get(30, SECONDS)
                .stream().collect(Collectors.toMap(ConsumerGroupListing::groupId, Function.identity()));
        assertThat(consumerGroups).containsKeys(GROUP, SIMPLE_GROUP);
        assertThat(consumerGroups.get(GROUP).groupState()).contains(GroupState.STABLE);
        assertThat(consumerGroups.get(GROUP).isSimpleConsumerGroup()).isFalse();
        assertThat(consumerGroups.get(SIMPLE_GROUP).groupState()).contains(GroupState.EMPTY);

        Map<String, GroupListing> groups = listGroups(new ListGroupsOptions());
        assertThat(groups).containsKeys(GROUP, SIMPLE_GROUP);
        assertThat(groups.get(GROUP).protocol()).isEqualTo("consumer");
        assertThat(groups.get(GROUP).type()).contains(GroupType.CLASSIC);
        assertThat(groups.get(GROUP).groupState()).contains(GroupState.STABLE);
        assertThat(listGroups(new ListGroupsOptions().inGroupStates(Set.of(GroupState.EMPTY))))
                .containsKey(SIMPLE_GROUP).doesNotContainKey(GROUP);
        assertThat(listGroups(new ListGroupsOptions().inGroupStates(Set.of(GroupState.STABLE))))
                .containsKey(GROUP).doesNotContainKey(SIMPLE_GROUP);

        // ---- offsets ----
        assertThat(committedOffsets(admin, GROUP)).isEqualTo(Map.of(t0, 30L, t1, 40L, other, 5L));
        Map<TopicPartition, OffsetAndMetadata> onlyT1 = admin.listConsumerGroupOffsets(
                        Map.of(GROUP, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(t1))))
                .partitionsToOffsetAndMetadata(GROUP).get(30, SECONDS);
        assertThat(onlyT1).isEqualTo(Map.of(t1, new OffsetAndMetadata(40)));
        assertThat(committedOffsets(admin, SIMPLE_GROUP)).isEqualTo(Map.of(t0, 3L));

        // ---- what an active group refuses ----
        assertThat(cause(admin.alterConsumerGroupOffsets(GROUP, Map.of(t0, new OffsetAndMetadata(0))).all()))
                .as("altering the offsets of an active group").isInstanceOf(UnknownMemberIdException.class);
        assertThat(cause(admin.deleteConsumerGroups(List.of(GROUP)).all()))
                .as("deleting an active group").isInstanceOf(GroupNotEmptyException.class);
        assertThat(cause(admin.deleteConsumerGroupOffsets(GROUP, Set.of(t0)).all()))
                .as("deleting offsets of a subscribed topic").isInstanceOf(GroupSubscribedToTopicException.class);
        assertThat(committedOffsets(admin, GROUP)).as("offsets after the refused operations")
                .isEqualTo(Map.of(t0, 30L, t1, 40L, other, 5L));
        admin.deleteConsumerGroupOffsets(GROUP, Set.of(other)).all().get(30, SECONDS);
        assertThat(committedOffsets(admin, GROUP)).as("offsets after deleting those of the unsubscribed topic")
                .isEqualTo(Map.of(t0, 30L, t1, 40L));

        // ---- reset offsets of the now empty group: earliest for partition 0, by timestamp for partition 1 ----
        member.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        await().atMost(Duration.ofSeconds(15)).until(() -> describe(GROUP).groupState() == GroupState.EMPTY);
        assertThat(describe(GROUP).members()).isEmpty();

        long earliest = GroupTestSupport.listOffsets(admin, List.of(t0), OffsetSpec.earliest()).get(t0);
        long byTimestamp = GroupTestSupport.listOffsets(admin, List.of(t1),
                OffsetSpec.forTimestamp(BASE_TIMESTAMP + 56_500)).get(t1);
        assertThat(earliest).isZero();
        assertThat(byTimestamp).as("first offset with a timestamp at or after +56.5 s").isEqualTo(57);
        admin.alterConsumerGroupOffsets(GROUP, Map.of(t0, new OffsetAndMetadata(earliest),
                t1, new OffsetAndMetadata(byTimestamp))).all().get(30, SECONDS);
        assertThat(committedOffsets(admin, GROUP)).isEqualTo(Map.of(t0, 0L, t1, 57L));
        // A group without members may delete any of its offsets.
        admin.deleteConsumerGroupOffsets(SIMPLE_GROUP, Set.of(t0)).all().get(30, SECONDS);
        assertThat(committedOffsets(admin, SIMPLE_GROUP)).isEmpty();

        KafkaConsumer<String, String> resumed = groupConsumer(fixture, GROUP, "admin-client-2", Map.of());
        resumed.subscribe(List.of(TOPIC));
        Map<TopicPartition, List<Long>> read = new HashMap<>();
        pollUntil("the resumed member read to the end", Duration.ofSeconds(30), List.of(resumed),
                (c, records) -> {
                    for (ConsumerRecord<String, String> r : records) {
                        read.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), tp -> new ArrayList<>())
                                .add(r.offset());
                    }
                    c.commitSync(Duration.ofSeconds(30));
                }, () -> resumed.assignment().size() == 2
                        && resumed.assignment().stream().allMatch(tp -> resumed.position(tp) >= PER_PARTITION),
                () -> "read " + read);
        assertThat(read.get(t0)).as("offsets read from %s", t0).containsExactlyElementsOf(range(0, PER_PARTITION));
        assertThat(read.get(t1)).as("offsets read from %s", t1).containsExactlyElementsOf(range(57, PER_PARTITION));
        assertThat(committedOffsets(admin, GROUP)).isEqualTo(Map.of(t0, 100L, t1, 100L));
        resumed.close(CloseOptions.timeout(Duration.ofSeconds(10)));

        // ---- delete the empty group ----
        await().atMost(Duration.ofSeconds(15)).until(() -> describe(GROUP).groupState() == GroupState.EMPTY);
        admin.deleteConsumerGroups(List.of(GROUP)).all().get(30, SECONDS);
        assertThat(cause(admin.describeConsumerGroups(List.of(GROUP)).all()))
                .as("describing a deleted group").isInstanceOf(GroupIdNotFoundException.class);
        assertThat(committedOffsets(admin, GROUP)).as("offsets of a deleted group").isEmpty();
        assertThat(listGroups(new ListGroupsOptions())).doesNotContainKey(GROUP);
        assertThat(cause(admin.deleteConsumerGroups(List.of(GROUP)).all()))
                .as("deleting a group that does not exist").isInstanceOf(GroupIdNotFoundException.class);
        assertThat(cause(admin.deleteConsumerGroupOffsets(GROUP, Set.of(t0)).all()))
                .as("deleting offsets of a group that does not exist").isInstanceOf(GroupIdNotFoundException.class);

        // A deleted group can be used again from scratch: no offsets, so auto.offset.reset applies.
        KafkaConsumer<String, String> fresh = groupConsumer(fixture, GROUP, "admin-client-3", Map.of());
        assertThat(fresh.committed(Set.of(t0, t1), Duration.ofSeconds(30)).values())
                .allSatisfy(om -> assertThat(om).isNull());
    }

    @Test
    void describeAndListReportARebalanceInProgress() throws Exception {
        KafkaConsumer<String, String> first = groupConsumer(fixture, GROUP, "first", Map.of());
        first.subscribe(List.of(TOPIC));
        pollUntil("the first member owns both partitions", Duration.ofSeconds(30), List.of(first), null,
                () -> first.assignment().size() == 2, () -> first.assignment().toString());
        KafkaConsumer<String, String> second = groupConsumer(fixture, GROUP, "second", Map.of());
        second.subscribe(List.of(TOPIC));
        // The second member's join starts a rebalance that waits for the first member, which is not polled.
        GroupTestSupport.pollFor(Duration.ofMillis(1_500), List.of(second), null);
        assertThat(second.assignment()).isEmpty();
        assertThat(describe(GROUP).groupState()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(listGroups(new ListGroupsOptions().inGroupStates(Set.of(GroupState.PREPARING_REBALANCE))))
                .containsOnlyKeys(GROUP);
        assertThat(cause(admin.deleteConsumerGroups(List.of(GROUP)).all()))
                .isInstanceOf(GroupNotEmptyException.class);

        List<KafkaConsumer<String, String>> both = List.of(first, second);
        pollUntil("both members own one partition", Duration.ofSeconds(30), both, null,
                () -> first.assignment().size() == 1 && second.assignment().size() == 1,
                () -> GroupTestSupport.assignments(both));
        ConsumerGroupDescription described = describe(GROUP);
        assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(described.members()).extracting(m -> m.clientId()).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void offsetsTopicIsInternalCompactedAndClosedToProducers() throws Exception {
        TopicPartition t0 = new TopicPartition(TOPIC, 0);
        admin.alterConsumerGroupOffsets(GROUP, Map.of(t0, new OffsetAndMetadata(1))).all().get(30, SECONDS);

        assertThat(admin.listTopics().names().get(30, SECONDS)).as("topics listed without internal ones")
                .contains(TOPIC).doesNotContain(OFFSETS_TOPIC);
        assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, SECONDS))
                .contains(OFFSETS_TOPIC);
        TopicDescription description = admin.describeTopics(List.of(OFFSETS_TOPIC)).allTopicNames()
                .get(30, SECONDS).get(OFFSETS_TOPIC);
        assertThat(description.isInternal()).isTrue();
        assertThat(description.partitions()).hasSize(50);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, OFFSETS_TOPIC);
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, SECONDS).get(resource);
        assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);

        // Kafka refuses appends to internal topics from clients (InvalidTopicException): a stray record in the group's
        // __consumer_offsets partition would be replayed by the group coordinator when it loads the partition.
        int groupPartition = Utils.abs(GROUP.hashCode()) % description.partitions().size();
        KafkaProducer<String, String> producer = fixture.producer(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.RETRIES_CONFIG, 0));
        Throwable thrown = catchThrowable(() -> producer.send(new ProducerRecord<>(OFFSETS_TOPIC, groupPartition,
                "garbage", "garbage")).get(30, SECONDS));
        producer.close(Duration.ofSeconds(5));
        // Whatever happened to the append, the group's offsets must still load after a restart.
        fixture.closeBroker();
        fixture.restart();
        assertThat(committedOffsets(admin, GROUP)).as("offsets after a restart").isEqualTo(Map.of(t0, 1L));
        assertThat(thrown).as("producing to %s-%d", OFFSETS_TOPIC, groupPartition)
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidTopicException.class);
    }

    @Test
    void offsetsOfADeletedTopicAreRemoved() throws Exception {
        TopicPartition t0 = new TopicPartition(TOPIC, 0);
        TopicPartition other = new TopicPartition(OTHER, 0);
        admin.alterConsumerGroupOffsets(GROUP, Map.of(t0, new OffsetAndMetadata(50), other, new OffsetAndMetadata(7)))
                .all().get(30, SECONDS);
        admin.deleteTopics(List.of(TOPIC)).all().get(30, SECONDS);
        // Kafka's group coordinator drops the offsets of deleted partitions, so a topic re-created under the same
        // name does not inherit them.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(committedOffsets(admin, GROUP)).isEqualTo(Map.of(other, 7L)));
        fixture.createTopic(admin, TOPIC, 2, Map.of());
        assertThat(committedOffsets(admin, GROUP)).isEqualTo(Map.of(other, 7L));
    }

    private ConsumerGroupDescription describe(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get(30, SECONDS).get(group);
    }

    private Map<String, GroupListing> listGroups(ListGroupsOptions options) throws Exception {
        Collection<GroupListing> listings = admin.listGroups(options).all().get(30, SECONDS);
        return listings.stream().collect(Collectors.toMap(GroupListing::groupId, Function.identity()));
    }

    /** The exception a failed admin future completes with, or an AssertionError when it succeeds. */
    private static Throwable cause(KafkaFuture<?> future) {
        Throwable thrown = catchThrowable(() -> future.get(30, SECONDS));
        assertThat(thrown).as("the admin call fails").isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long o = from; o < to; o++) {
            out.add(o);
        }
        return out;
    }
}
