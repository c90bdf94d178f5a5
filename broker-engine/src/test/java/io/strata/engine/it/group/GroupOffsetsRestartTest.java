package io.strata.engine.it.group;

import io.strata.engine.it.BrokerTestBase;

import io.strata.engine.it.BrokerFixture;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import static io.strata.engine.it.group.GroupTestSupport.committedOffsets;
import static io.strata.engine.it.group.GroupTestSupport.groupConsumer;
import static io.strata.engine.it.group.GroupTestSupport.pollUntil;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/** Committed offsets live in __consumer_offsets and survive a graceful restart and a crash of the broker. */
class GroupOffsetsRestartTest extends BrokerTestBase {
    private static final String TOPIC = "durable";
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 100;

    private Admin admin;
    private List<TopicPartition> partitions;

    @BeforeEach
    protected void startBroker() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        admin = fixture.admin();
        fixture.createTopic(admin, TOPIC, PARTITIONS, Map.of());
        GroupTestSupport.producePerPartition(fixture.producer(Map.of()), TOPIC, PARTITIONS, PER_PARTITION, null);
        partitions = GroupTestSupport.partitions(TOPIC, PARTITIONS);
    }

    @Test
    void committedOffsetsSurviveAGracefulRestart() throws Exception {
        // A member commits three times; the last commit wins.
        KafkaConsumer<String, String> member = groupConsumer(fixture, "graceful", "graceful-1", Map.of());
        member.subscribe(List.of(TOPIC));
        pollUntil("the member owns all partitions", Duration.ofSeconds(30), List.of(member), null,
                () -> member.assignment().size() == PARTITIONS, () -> member.assignment().toString());
        member.commitSync(offsets(10, 20, 30, null), Duration.ofSeconds(30));
        member.commitSync(offsets(15, 25, 35, null), Duration.ofSeconds(30));
        Map<TopicPartition, OffsetAndMetadata> last = offsets(40, 50, 60, "before-restart");
        member.commitSync(last, Duration.ofSeconds(30));
        member.close(CloseOptions.timeout(Duration.ofSeconds(10)));

        // A simple (member-less) group committed through the admin client, and a deleted group.
        admin.alterConsumerGroupOffsets("graceful-admin", offsets(1, 2, 3, null)).all().get(30, SECONDS);
        admin.alterConsumerGroupOffsets("graceful-deleted", offsets(5, 5, 5, null)).all().get(30, SECONDS);
        admin.deleteConsumerGroups(List.of("graceful-deleted")).all().get(30, SECONDS);
        assertThat(committedOffsets(admin, "graceful-deleted")).isEmpty();

        fixture.closeBroker();
        fixture.restart();

        Map<TopicPartition, OffsetAndMetadata> afterRestart =
                admin.listConsumerGroupOffsets("graceful").partitionsToOffsetAndMetadata().get(30, SECONDS);
        assertThat(afterRestart).isEqualTo(last);
        assertThat(committedOffsets(admin, "graceful-admin")).isEqualTo(longs(1, 2, 3));
        assertThat(committedOffsets(admin, "graceful-deleted")).as("offsets of the group deleted before the restart")
                .isEmpty();
        assertThat(admin.listGroups().all().get(30, SECONDS)).extracting(GroupListing::groupId)
                .contains("graceful", "graceful-admin").doesNotContain("graceful-deleted");

        KafkaConsumer<String, String> successor = groupConsumer(fixture, "graceful", "graceful-2", Map.of());
        assertThat(successor.committed(Set.copyOf(partitions), Duration.ofSeconds(30))).isEqualTo(last);
        successor.subscribe(List.of(TOPIC));
        assertResumesAt(successor, longs(40, 50, 60));
    }

    @Test
    void acknowledgedCommitsSurviveACrash() throws Exception {
        // Groups spread over several __consumer_offsets partitions, each committing twice through assign().
        int groups = 8;
        for (int g = 0; g < groups; g++) {
            KafkaConsumer<String, String> committer = groupConsumer(fixture, "crash-" + g, "crash-" + g, Map.of());
            committer.assign(partitions);
            committer.commitSync(offsets(1, 1, 1, null), Duration.ofSeconds(30));
            committer.commitSync(offsets(10 + g, 20 + g, 30 + g, "g" + g), Duration.ofSeconds(30));
            committer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        }
        // A live member that read everything and committed after each poll; it stays open over the crash.
        KafkaConsumer<String, String> live = groupConsumer(fixture, "crash-live", "crash-live", Map.of());
        live.subscribe(List.of(TOPIC));
        List<ConsumerRecord<String, String>> readByLive = new ArrayList<>();
        pollUntil("the live member read everything", Duration.ofSeconds(30), List.of(live), (c, records) -> {
            records.forEach(readByLive::add);
            c.commitSync(Duration.ofSeconds(30));
        }, () -> readByLive.size() >= PARTITIONS * PER_PARTITION, () -> readByLive.size() + " read");
        assertThat(committedOffsets(admin, "crash-live")).isEqualTo(longs(100, 100, 100));

        fixture.halt();
        fixture.restart();

        for (int g = 0; g < groups; g++) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets("crash-" + g).partitionsToOffsetAndMetadata().get(30, SECONDS);
            assertThat(committed).as("offsets of group crash-%d after the crash", g)
                    .isEqualTo(offsets(10 + g, 20 + g, 30 + g, "g" + g));
        }
        assertThat(committedOffsets(admin, "crash-live")).isEqualTo(longs(100, 100, 100));

        KafkaConsumer<String, String> successor = groupConsumer(fixture, "crash-3", "crash-3-successor", Map.of());
        successor.subscribe(List.of(TOPIC));
        assertResumesAt(successor, longs(13, 23, 33));

        // The live member carries on after the crash: it reads only the new records and can commit them.
        GroupTestSupport.producePerPartitionFrom(fixture.producer(Map.of()), TOPIC, PARTITIONS, PER_PARTITION, 10);
        List<ConsumerRecord<String, String>> afterCrash = new ArrayList<>();
        pollUntil("the live member read the records produced after the crash", Duration.ofSeconds(45),
                List.of(live), (c, records) -> {
                    records.forEach(afterCrash::add);
                    c.commitSync(Duration.ofSeconds(30));
                }, () -> afterCrash.size() >= PARTITIONS * 10 && live.assignment().size() == PARTITIONS,
                () -> afterCrash.size() + " read, assignment " + live.assignment());
        assertThat(afterCrash).extracting(ConsumerRecord::offset).allMatch(o -> o >= PER_PARTITION)
                .hasSize(PARTITIONS * 10);
        assertThat(committedOffsets(admin, "crash-live")).isEqualTo(longs(110, 110, 110));
    }

    @Test
    void manyGroupsAreReloadedAfterACrash() throws Exception {
        int groups = 120;
        for (int g = 0; g < groups; g++) {
            admin.alterConsumerGroupOffsets("many-" + g, offsets(g % 100, 1, 2, "m" + g)).all().get(30, SECONDS);
        }
        // Overwrite some, delete others: the reload must apply the latest record of each key.
        for (int g = 0; g < groups; g += 3) {
            admin.alterConsumerGroupOffsets("many-" + g, offsets(99, 98, 97, "again")).all().get(30, SECONDS);
        }
        List<String> deleted = new ArrayList<>();
        for (int g = 1; g < groups; g += 10) {
            deleted.add("many-" + g);
        }
        admin.deleteConsumerGroups(deleted).all().get(30, SECONDS);

        fixture.halt();
        fixture.restart();

        Set<String> listed = admin.listGroups().all().get(30, SECONDS).stream().map(GroupListing::groupId)
                .collect(java.util.stream.Collectors.toSet());
        for (int g = 0; g < groups; g++) {
            String group = "many-" + g;
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, SECONDS);
            if (deleted.contains(group)) {
                assertThat(committed).as("offsets of deleted group %s", group).isEmpty();
                assertThat(listed).doesNotContain(group);
            } else if (g % 3 == 0) {
                assertThat(committed).as("offsets of %s", group).isEqualTo(offsets(99, 98, 97, "again"));
                assertThat(listed).contains(group);
            } else {
                assertThat(committed).as("offsets of %s", group).isEqualTo(offsets(g % 100, 1, 2, "m" + g));
                assertThat(listed).contains(group);
            }
        }
    }

    @Test
    void activeMembersCarryOnAfterAGracefulRestartWithoutARebalance() throws Exception {
        // metadata.recovery.strategy=none: by default (rebootstrap) a kafka-clients 4.x consumer that loses its only
        // broker resets its metadata to the bootstrap servers; the group leader then sees its topic without
        // partitions and rejoins by itself, against Kafka as well. Without that, any rebalance comes from the broker.
        Map<String, Object> props = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName(),
                CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
        KafkaConsumer<String, String> first = groupConsumer(fixture, "restarted-group", "first", props);
        KafkaConsumer<String, String> second = groupConsumer(fixture, "restarted-group", "second", props);
        GroupTestSupport.RecordingListener firstListener = new GroupTestSupport.RecordingListener();
        GroupTestSupport.RecordingListener secondListener = new GroupTestSupport.RecordingListener();
        first.subscribe(List.of(TOPIC), firstListener);
        second.subscribe(List.of(TOPIC), secondListener);
        List<KafkaConsumer<String, String>> both = List.of(first, second);
        Map<TopicPartition, List<Long>> read = new HashMap<>();
        BiConsumer<KafkaConsumer<String, String>, ConsumerRecords<String, String>> readAndCommit = (c, records) -> {
            records.forEach(r -> read.computeIfAbsent(new TopicPartition(r.topic(), r.partition()),
                    tp -> new ArrayList<>()).add(r.offset()));
            c.commitSync(Duration.ofSeconds(30));
        };
        pollUntil("both members read everything", Duration.ofSeconds(30), both, readAndCommit,
                () -> first.assignment().size() + second.assignment().size() == PARTITIONS
                        && first.groupMetadata().generationId() == second.groupMetadata().generationId()
                        && read.values().stream().mapToInt(List::size).sum() == PARTITIONS * PER_PARTITION,
                () -> GroupTestSupport.assignments(both));
        int generation = first.groupMetadata().generationId();
        int firstEvents = firstListener.events.size();
        int secondEvents = secondListener.events.size();

        fixture.closeBroker();
        fixture.restart();
        GroupTestSupport.producePerPartitionFrom(fixture.producer(Map.of()), TOPIC, PARTITIONS, PER_PARTITION, 10);
        pollUntil("the members read what was produced after the restart", Duration.ofSeconds(45), both,
                readAndCommit, () -> read.values().stream().mapToInt(List::size).sum() >= PARTITIONS * (PER_PARTITION + 10),
                () -> read.values().stream().mapToInt(List::size).sum() + " read; " + GroupTestSupport.assignments(both));
        read.forEach((tp, offsets) -> assertThat(offsets).as("offsets read from %s", tp)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, PER_PARTITION + 10).boxed().toList()));
        assertThat(committedOffsets(admin, "restarted-group")).isEqualTo(longs(110, 110, 110));
        // Kafka stores the group's membership in __consumer_offsets too: after the coordinator reloads it, the
        // members' heartbeats are accepted and nobody rejoins. (The group leader would also rejoin if a Metadata
        // response during the restart showed its topic with other partitions than before.)
        assertThat(first.groupMetadata().generationId()).as("generation after the restart").isEqualTo(generation);
        assertThat(second.groupMetadata().generationId()).isEqualTo(generation);
        assertThat(firstListener.since(firstEvents)).as("rebalance callbacks after the restart").isEmpty();
        assertThat(secondListener.since(secondEvents)).as("rebalance callbacks after the restart").isEmpty();
    }

    /** The consumer's first record of each partition is at {@code start} and it reads exactly to offset 100. */
    private void assertResumesAt(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> start) {
        Map<TopicPartition, List<Long>> read = new HashMap<>();
        pollUntil("resumed consumer read to the end", Duration.ofSeconds(30), List.of(consumer),
                (c, records) -> records.forEach(r -> read.computeIfAbsent(
                        new TopicPartition(r.topic(), r.partition()), tp -> new ArrayList<>()).add(r.offset())),
                () -> consumer.assignment().size() == PARTITIONS
                        && consumer.assignment().stream().allMatch(tp -> consumer.position(tp) >= PER_PARTITION),
                () -> "assignment " + consumer.assignment() + ", read " + read);
        GroupTestSupport.pollFor(Duration.ofMillis(300), List.of(consumer), null);
        start.forEach((tp, from) -> {
            List<Long> expected = new ArrayList<>();
            for (long o = from; o < PER_PARTITION; o++) {
                expected.add(o);
            }
            assertThat(read.getOrDefault(tp, List.of())).as("offsets read from %s", tp)
                    .containsExactlyElementsOf(expected);
        });
    }

    private Map<TopicPartition, OffsetAndMetadata> offsets(long p0, long p1, long p2, String metadata) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        long[] values = {p0, p1, p2};
        for (int p = 0; p < PARTITIONS; p++) {
            out.put(partitions.get(p), metadata == null ? new OffsetAndMetadata(values[p])
                    : new OffsetAndMetadata(values[p], metadata));
        }
        return out;
    }

    private Map<TopicPartition, Long> longs(long p0, long p1, long p2) {
        return Map.of(partitions.get(0), p0, partitions.get(1), p1, partitions.get(2), p2);
    }
}
