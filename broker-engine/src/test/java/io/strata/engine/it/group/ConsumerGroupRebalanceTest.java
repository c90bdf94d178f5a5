package io.strata.engine.it.group;

import io.strata.engine.it.StartedBrokerTestBase;

import io.strata.engine.it.BrokerFixture;
import io.strata.engine.it.group.GroupTestSupport.RecordingListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

import static io.strata.engine.it.group.GroupTestSupport.assignments;
import static io.strata.engine.it.group.GroupTestSupport.groupConsumer;
import static io.strata.engine.it.group.GroupTestSupport.pollUntil;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

/**
 * Three classic-protocol members share a 12-partition topic (4 partitions each); one leaves, the other two take over
 * all partitions and resume from its committed offsets. Members commit synchronously after processing each poll, so
 * the only records read twice are the ones the leaving member processed after its last commit.
 */
class ConsumerGroupRebalanceTest extends StartedBrokerTestBase {
    private static final String TOPIC = "rebalance";
    private static final String GROUP = "rebalance-group";
    private static final int PARTITIONS = 12;
    private static final int RECORDS = 100_000;
    private static final int SESSION_TIMEOUT_MS = 6_000;

    @Test
    void membersSplitPartitionsAndTakeOverFromCommittedOffsetsWhenOneLeaves() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, TOPIC, PARTITIONS, Map.of());
        // Half the records before the members join, half once they split the partitions, so that every member
        // still has records to read when one of them leaves.
        RecordMetadata[] acked = new RecordMetadata[RECORDS];
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        produceKeyed(producer, 0, RECORDS / 2, acked);

        Map<String, Object> memberProps = Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 250,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        List<RecordingListener> listeners = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            KafkaConsumer<String, String> consumer = groupConsumer(fixture, GROUP, "member-" + m, memberProps);
            RecordingListener listener = new RecordingListener();
            consumer.subscribe(List.of(TOPIC), listener);
            members.add(consumer);
            listeners.add(listener);
        }

        int[] readCount = new int[RECORDS];
        Set<Integer> commitFailed = new HashSet<>();
        int[] commitFailures = {0};
        BiConsumer<KafkaConsumer<String, String>, ConsumerRecords<String, String>> processAndCommit =
                (consumer, records) -> {
                    List<Integer> batch = process(records, acked, readCount);
                    try {
                        consumer.commitSync(Duration.ofSeconds(30));
                    } catch (CommitFailedException | RebalanceInProgressException e) {
                        // Allowed by the at-least-once contract; these records may be read again.
                        commitFailures[0]++;
                        commitFailed.addAll(batch);
                    }
                };

        // Phase 1: all three members join; the range assignor gives each 4 partitions.
        pollUntil("three members hold 4 partitions each in one generation", Duration.ofSeconds(45), members,
                processAndCommit, () -> GroupTestSupport.evenlySplit(members, 4, PARTITIONS), () -> assignments(members));
        int generation = members.get(0).groupMetadata().generationId();
        assertThat(members).allSatisfy(c -> {
            assertThat(c.assignment()).hasSize(4);
            assertThat(c.groupMetadata().generationId()).isEqualTo(generation);
        });
        for (int m = 0; m < 3; m++) {
            RecordingListener.Event last = listeners.get(m).events.get(listeners.get(m).events.size() - 1);
            assertThat(last.kind()).as("last callback of member %d", m).isEqualTo(RecordingListener.Kind.ASSIGNED);
            assertThat(last.partitions()).as("partitions handed to member %d's listener", m)
                    .isEqualTo(members.get(m).assignment());
        }
        // Keep consuming for a while in the stable group; nothing may change.
        GroupTestSupport.pollFor(Duration.ofSeconds(2), members, processAndCommit);
        assertThat(members).allSatisfy(c -> {
            assertThat(c.assignment()).hasSize(4);
            assertThat(c.groupMetadata().generationId()).isEqualTo(generation);
        });

        produceKeyed(producer, RECORDS / 2, RECORDS, acked);
        Set<Integer> partitionsUsed = new HashSet<>();
        for (RecordMetadata metadata : acked) {
            partitionsUsed.add(metadata.partition());
        }
        assertThat(partitionsUsed).hasSize(PARTITIONS);

        // Phase 2: member 2 processes one more batch without committing it, then leaves the group.
        KafkaConsumer<String, String> leaving = members.get(2);
        Set<TopicPartition> leavingPartitions = Set.copyOf(leaving.assignment());
        List<Integer> uncommitted = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (uncommitted.isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("member 2 got no more records from %s before leaving", leavingPartitions);
            }
            ConsumerRecords<String, String> records = leaving.poll(Duration.ofMillis(200));
            uncommitted.addAll(process(records, acked, readCount));
        }
        List<KafkaConsumer<String, String>> remaining = List.of(members.get(0), members.get(1));
        System.out.printf("member 2 leaves after %d distinct records were read, %d of them uncommitted by it;"
                + " %d commit failures so far%n", distinctRead(readCount), uncommitted.size(), commitFailures[0]);
        leaving.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        Duration takeover = pollUntil("the two remaining members hold all 12 partitions", Duration.ofSeconds(45),
                remaining, processAndCommit, () -> GroupTestSupport.evenlySplit(remaining, 6, PARTITIONS), () -> assignments(remaining));
        System.out.printf("the remaining members took over in %d ms%n", takeover.toMillis());
        assertThat(takeover).as("time until the remaining members took over the leaving member's partitions")
                .isLessThan(Duration.ofMillis(SESSION_TIMEOUT_MS));
        Set<TopicPartition> union = new HashSet<>();
        remaining.forEach(c -> union.addAll(c.assignment()));
        assertThat(union).containsAll(leavingPartitions).hasSize(PARTITIONS);

        // Phase 3: read to the end.
        pollUntil("every record was read", Duration.ofSeconds(90), remaining, processAndCommit,
                () -> distinctRead(readCount) == RECORDS,
                () -> distinctRead(readCount) + " of " + RECORDS + " read; " + assignments(remaining));

        // Nothing lost (loop above), duplicates only where nothing was committed.
        Set<Integer> allowedDuplicates = new HashSet<>(uncommitted);
        allowedDuplicates.addAll(commitFailed);
        List<Integer> unexpected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            if (readCount[i] > 2 || (readCount[i] == 2 && !allowedDuplicates.contains(i))) {
                unexpected.add(i);
            }
        }
        assertThat(unexpected).as("records read more often than allowed (%d commit failures, %d uncommitted records"
                + " of the leaving member)", commitFailures[0], uncommitted.size()).isEmpty();
        for (int index : uncommitted) {
            assertThat(readCount[index]).as("record %d processed but not committed by the leaving member must be"
                    + " read again by its successor", index).isEqualTo(2);
        }

        // The group's committed offsets are the log end offsets of every partition.
        List<TopicPartition> all = GroupTestSupport.partitions(TOPIC, PARTITIONS);
        Map<TopicPartition, Long> ends = GroupTestSupport.listOffsets(admin, all, OffsetSpec.latest());
        assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(RECORDS);
        assertThat(GroupTestSupport.committedOffsets(admin, GROUP)).isEqualTo(ends);
    }

    @Test
    void crashedMemberIsRemovedAfterItsSessionTimeoutAndItsPartitionsResumeFromCommittedOffsets() throws Exception {
        String topic = "crashing-member";
        String group = "crashing-member-group";
        int partitions = 4;
        int perPartition = 2_000;
        int sessionTimeoutMs = 4_000;
        fixture.createTopic(fixture.admin(), topic, partitions, Map.of());
        GroupTestSupport.producePerPartition(fixture.producer(Map.of()), topic, partitions, perPartition, null);
        Map<String, Object> props = Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        KafkaConsumer<String, String> survivor = groupConsumer(fixture, group, "survivor", props);
        KafkaConsumer<String, String> crashing = groupConsumer(fixture, group, "crashing", props);
        survivor.subscribe(List.of(topic));
        crashing.subscribe(List.of(topic));
        List<KafkaConsumer<String, String>> both = List.of(survivor, crashing);
        int[] readCount = new int[partitions * perPartition];
        BiConsumer<KafkaConsumer<String, String>, ConsumerRecords<String, String>> processAndCommit =
                (consumer, records) -> {
                    records.forEach(r -> readCount[GroupTestSupport.indexOf(r)]++);
                    consumer.commitSync(Duration.ofSeconds(30));
                };
        pollUntil("two members hold 2 partitions each", Duration.ofSeconds(30), both, processAndCommit,
                () -> survivor.assignment().size() == 2 && crashing.assignment().size() == 2
                        && survivor.groupMetadata().generationId() == crashing.groupMetadata().generationId(),
                () -> assignments(both));
        int generation = survivor.groupMetadata().generationId();

        // The crashing member processes a batch, does not commit it and goes away without a LeaveGroup.
        List<Integer> uncommitted = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (uncommitted.isEmpty()) {
            assertThat(System.nanoTime()).as("the crashing member gets a batch").isLessThan(deadline);
            for (ConsumerRecord<String, String> r : crashing.poll(Duration.ofMillis(200))) {
                readCount[GroupTestSupport.indexOf(r)]++;
                uncommitted.add(GroupTestSupport.indexOf(r));
            }
        }
        crashing.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(Duration.ofSeconds(10)));
        long crashedAt = System.nanoTime();
        GroupTestSupport.pollFor(Duration.ofSeconds(1), List.of(survivor), processAndCommit);
        assertThat(survivor.groupMetadata().generationId()).as("no rebalance right after the crash")
                .isEqualTo(generation);
        pollUntil("the survivor owns all partitions", Duration.ofSeconds(30), List.of(survivor), processAndCommit,
                () -> survivor.assignment().size() == partitions, () -> assignments(List.of(survivor)));
        Duration removedAfter = Duration.ofNanos(System.nanoTime() - crashedAt);
        assertThat(removedAfter).as("the crashed member is removed by session expiry")
                .isGreaterThanOrEqualTo(Duration.ofMillis(sessionTimeoutMs - 1_000));

        pollUntil("every record was read", Duration.ofSeconds(60), List.of(survivor), processAndCommit,
                () -> java.util.Arrays.stream(readCount).allMatch(c -> c > 0),
                () -> java.util.Arrays.stream(readCount).filter(c -> c > 0).count() + " read");
        Set<Integer> uncommittedSet = Set.copyOf(uncommitted);
        for (int i = 0; i < readCount.length; i++) {
            int expected = uncommittedSet.contains(i) ? 2 : 1;
            if (readCount[i] != expected) {
                fail("record %d was read %d times, expected %d", i, readCount[i], expected);
            }
        }
    }

    @Test
    void joinsWithAnInvalidSessionTimeoutOrAnIncompatibleAssignorAreRejected() throws Exception {
        String topic = "join-errors";
        String group = "join-errors-group";
        fixture.createTopic(fixture.admin(), topic, 2, Map.of());

        // group.min.session.timeout.ms is 1000 in the fixture, group.max.session.timeout.ms 1800000.
        for (int sessionTimeoutMs : new int[] {500, 1_900_000}) {
            KafkaConsumer<String, String> invalid = groupConsumer(fixture, group + "-" + sessionTimeoutMs,
                    "invalid-session", Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs,
                            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100));
            invalid.subscribe(List.of(topic));
            Throwable thrown = catchThrowable(() -> pollUntil("the join fails", Duration.ofSeconds(20),
                    List.of(invalid), null, () -> false, null));
            assertThat(thrown).as("poll with session.timeout.ms=%d", sessionTimeoutMs)
                    .isInstanceOf(InvalidSessionTimeoutException.class);
        }

        KafkaConsumer<String, String> ranged = groupConsumer(fixture, group, "ranged", Map.of(
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName()));
        ranged.subscribe(List.of(topic));
        pollUntil("the first member owns both partitions", Duration.ofSeconds(30), List.of(ranged), null,
                () -> ranged.assignment().size() == 2, () -> assignments(List.of(ranged)));
        int generation = ranged.groupMetadata().generationId();

        KafkaConsumer<String, String> roundRobin = groupConsumer(fixture, group, "round-robin", Map.of(
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RoundRobinAssignor.class.getName()));
        roundRobin.subscribe(List.of(topic));
        Throwable thrown = catchThrowable(() -> pollUntil("the join fails", Duration.ofSeconds(20),
                List.of(roundRobin, ranged), null, () -> false, null));
        assertThat(thrown).as("joining with no assignor in common with the group")
                .isInstanceOf(InconsistentGroupProtocolException.class);
        GroupTestSupport.pollFor(Duration.ofSeconds(1), List.of(ranged), null);
        assertThat(ranged.assignment()).hasSize(2);
        assertThat(ranged.groupMetadata().generationId()).as("the rejected join did not rebalance the group")
                .isEqualTo(generation);
    }

    @Test
    void memberThatHeartbeatsStaysInTheGroupWhileNotPolling() throws Exception {
        String topic = "idle-member";
        String group = "idle-member-group";
        int sessionTimeoutMs = 2_000;
        fixture.createTopic(fixture.admin(), topic, 4, Map.of());
        Map<String, Object> props = Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        KafkaConsumer<String, String> busy = groupConsumer(fixture, group, "busy", props);
        KafkaConsumer<String, String> idle = groupConsumer(fixture, group, "idle", props);
        RecordingListener busyListener = new RecordingListener();
        busy.subscribe(List.of(topic), busyListener);
        idle.subscribe(List.of(topic));
        List<KafkaConsumer<String, String>> both = List.of(busy, idle);
        pollUntil("two members hold 2 partitions each", Duration.ofSeconds(30), both, null,
                () -> busy.assignment().size() == 2 && idle.assignment().size() == 2
                        && busy.groupMetadata().generationId() == idle.groupMetadata().generationId(),
                () -> assignments(both));
        int generation = busy.groupMetadata().generationId();
        int busyEvents = busyListener.events.size();

        // The idle member is not polled for well over its session timeout; its heartbeat thread keeps it alive.
        GroupTestSupport.pollFor(Duration.ofMillis(3 * sessionTimeoutMs), List.of(busy), null);
        assertThat(busy.groupMetadata().generationId()).as("generation after %d ms without polls of the other member",
                3 * sessionTimeoutMs).isEqualTo(generation);
        assertThat(busy.assignment()).hasSize(2);
        assertThat(busyListener.since(busyEvents)).isEmpty();
        GroupTestSupport.pollFor(Duration.ofMillis(500), both, null);
        assertThat(idle.assignment()).hasSize(2);
        assertThat(idle.groupMetadata().generationId()).isEqualTo(generation);
    }

    /** Sends records {@code from..to-1} keyed with acks=all and stores their acknowledgements. */
    private static void produceKeyed(KafkaProducer<String, String> producer, int from, int to, RecordMetadata[] acked)
            throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            futures.add(producer.send(new ProducerRecord<>(TOPIC, GroupTestSupport.key(i), GroupTestSupport.value(i))));
        }
        for (int i = from; i < to; i++) {
            acked[i] = futures.get(i - from).get(60, SECONDS);
        }
    }

    /** Counts the records and checks each against its acknowledgement; returns their indexes. */
    private static List<Integer> process(ConsumerRecords<String, String> records, RecordMetadata[] acked,
                                         int[] readCount) {
        List<Integer> indexes = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            int index = GroupTestSupport.indexOf(record);
            RecordMetadata metadata = acked[index];
            if (record.partition() != metadata.partition() || record.offset() != metadata.offset()
                    || !GroupTestSupport.key(index).equals(record.key())) {
                fail("record %s read at %d@%d, acknowledged at %d@%d", record.value(), record.partition(),
                        record.offset(), metadata.partition(), metadata.offset());
            }
            readCount[index]++;
            indexes.add(index);
        }
        return indexes;
    }

    private static int distinctRead(int[] readCount) {
        int n = 0;
        for (int c : readCount) {
            if (c > 0) {
                n++;
            }
        }
        return n;
    }

}
