package io.strata.engine.it.group;

import io.strata.engine.it.StartedBrokerTestBase;

import io.strata.engine.it.BrokerFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import static io.strata.engine.it.group.GroupTestSupport.groupConsumer;
import static io.strata.engine.it.group.GroupTestSupport.pollUntil;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Two groups read one topic at their own positions; one group's commits never move the other's. */
class IndependentGroupsTest extends StartedBrokerTestBase {
    private static final String TOPIC = "shared";
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 100;

    @Test
    void groupsKeepTheirOwnCommittedPositions() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, TOPIC, PARTITIONS, Map.of());
        GroupTestSupport.producePerPartition(fixture.producer(Map.of()), TOPIC, PARTITIONS, PER_PARTITION, null);
        List<TopicPartition> partitions = GroupTestSupport.partitions(TOPIC, PARTITIONS);
        Map<TopicPartition, Long> checkpoint = Map.of(partitions.get(0), 40L, partitions.get(1), 55L,
                partitions.get(2), 70L);

        // Group A: reads everything, but commits only up to its checkpoint, with metadata.
        KafkaConsumer<String, String> a1 = groupConsumer(fixture, "group-a", "a1", Map.of());
        a1.subscribe(List.of(TOPIC));
        Map<TopicPartition, List<ConsumerRecord<String, String>>> readByA1 = readAll(a1);
        assertRecordsFrom(readByA1, Map.of(partitions.get(0), 0L, partitions.get(1), 0L, partitions.get(2), 0L));
        Map<TopicPartition, OffsetAndMetadata> commitA = new HashMap<>();
        checkpoint.forEach((tp, offset) -> commitA.put(tp, new OffsetAndMetadata(offset, "a@" + tp.partition())));
        a1.commitSync(commitA, Duration.ofSeconds(30));
        assertThat(a1.committed(Set.copyOf(partitions), Duration.ofSeconds(30))).isEqualTo(commitA);
        a1.close(CloseOptions.timeout(Duration.ofSeconds(10)));

        // Group B: reads everything from the beginning (it has no offsets yet), committing after every poll.
        KafkaConsumer<String, String> b1 = groupConsumer(fixture, "group-b", "b1", Map.of());
        assertThat(b1.committed(Set.copyOf(partitions), Duration.ofSeconds(30)).values())
                .as("group B's committed offsets before it consumed").allSatisfy(om -> assertThat(om).isNull());
        b1.subscribe(List.of(TOPIC));
        Map<TopicPartition, List<ConsumerRecord<String, String>>> readByB = new HashMap<>();
        pollUntil("group B read all records", Duration.ofSeconds(30), List.of(b1), (c, records) -> {
            collect(records, readByB);
            c.commitSync(Duration.ofSeconds(30));
        }, () -> count(readByB) >= PARTITIONS * PER_PARTITION, () -> count(readByB) + " records");
        GroupTestSupport.pollFor(Duration.ofMillis(500), List.of(b1), (c, records) -> collect(records, readByB));
        assertRecordsFrom(readByB, Map.of(partitions.get(0), 0L, partitions.get(1), 0L, partitions.get(2), 0L));

        Map<TopicPartition, OffsetAndMetadata> offsetsA =
                admin.listConsumerGroupOffsets("group-a").partitionsToOffsetAndMetadata().get(30, SECONDS);
        Map<TopicPartition, OffsetAndMetadata> offsetsB =
                admin.listConsumerGroupOffsets("group-b").partitionsToOffsetAndMetadata().get(30, SECONDS);
        assertThat(GroupTestSupport.committedOffsets(admin, "group-a")).as("group A's offsets")
                .isEqualTo(checkpoint);
        assertThat(offsetsA).allSatisfy((tp, om) -> assertThat(om.metadata()).isEqualTo("a@" + tp.partition()));
        assertThat(GroupTestSupport.committedOffsets(admin, "group-b")).as("group B's offsets")
                .isEqualTo(Map.of(partitions.get(0), 100L, partitions.get(1), 100L, partitions.get(2), 100L));
        assertThat(offsetsB).allSatisfy((tp, om) -> {
            assertThat(om.metadata()).isEmpty();
            // The consumer commits the leader epoch of its position; Kafka stores and returns it (OffsetFetch v5+).
            assertThat(om.leaderEpoch()).as("committed leader epoch of %s", tp).contains(0);
        });
        assertThat(GroupTestSupport.committedOffsets(admin, "group-never-committed")).isEmpty();

        // A new member of group A resumes at A's checkpoint while group B is still active.
        KafkaConsumer<String, String> a2 = groupConsumer(fixture, "group-a", "a2", Map.of());
        a2.subscribe(List.of(TOPIC));
        Map<TopicPartition, List<ConsumerRecord<String, String>>> readByA2 = readAll(a2);
        assertRecordsFrom(readByA2, checkpoint);

        // Group A's new position does not leak into group B and vice versa.
        a2.commitSync(Duration.ofSeconds(30));
        assertThat(GroupTestSupport.committedOffsets(admin, "group-a"))
                .isEqualTo(Map.of(partitions.get(0), 100L, partitions.get(1), 100L, partitions.get(2), 100L));
        b1.commitSync(Map.of(partitions.get(1), new OffsetAndMetadata(7L)), Duration.ofSeconds(30));
        assertThat(GroupTestSupport.committedOffsets(admin, "group-b"))
                .isEqualTo(Map.of(partitions.get(0), 100L, partitions.get(1), 7L, partitions.get(2), 100L));
        assertThat(GroupTestSupport.committedOffsets(admin, "group-a"))
                .isEqualTo(Map.of(partitions.get(0), 100L, partitions.get(1), 100L, partitions.get(2), 100L));
    }

    @Test
    void commitsAreValidatedPerPartition() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, TOPIC, PARTITIONS, Map.of());
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        KafkaConsumer<String, String> consumer = groupConsumer(fixture, "validated", "validated", Map.of());
        consumer.assign(List.of(tp));
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(0, "x".repeat(4_096))), Duration.ofSeconds(30));
        assertThat(consumer.committed(Set.of(tp), Duration.ofSeconds(30)).get(tp).metadata()).hasSize(4_096);

        // offset.metadata.max.bytes is 4096, as in Kafka.
        assertThatThrownBy(() -> consumer.commitSync(Map.of(tp, new OffsetAndMetadata(1, "x".repeat(4_097))),
                Duration.ofSeconds(30))).isInstanceOf(OffsetMetadataTooLarge.class);
        assertThat(GroupTestSupport.committedOffsets(admin, "validated")).isEqualTo(Map.of(tp, 0L));

        // Offsets of a topic that does not exist are refused.
        TopicPartition missing = new TopicPartition("no-such-topic", 0);
        Throwable thrown = catchThrowable(() -> admin.alterConsumerGroupOffsets("validated",
                Map.of(missing, new OffsetAndMetadata(3))).all().get(30, SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(GroupTestSupport.committedOffsets(admin, "validated")).isEqualTo(Map.of(tp, 0L));
    }

    /** Polls until the consumer was assigned every partition and read it to its end (100 records each). */
    private static Map<TopicPartition, List<ConsumerRecord<String, String>>> readAll(
            KafkaConsumer<String, String> consumer) {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> read = new HashMap<>();
        pollUntil("assigned all partitions and at their end", Duration.ofSeconds(30), List.of(consumer),
                (c, records) -> collect(records, read),
                () -> consumer.assignment().size() == PARTITIONS && consumer.assignment().stream()
                        .allMatch(tp -> consumer.position(tp) >= PER_PARTITION),
                () -> consumer.assignment() + ", read " + count(read));
        // Nothing beyond the end, and no second delivery.
        GroupTestSupport.pollFor(Duration.ofMillis(500), List.of(consumer), (c, records) -> collect(records, read));
        return read;
    }

    private static void collect(ConsumerRecords<String, String> records,
                                Map<TopicPartition, List<ConsumerRecord<String, String>>> into) {
        for (ConsumerRecord<String, String> record : records) {
            into.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new ArrayList<>())
                    .add(record);
        }
    }

    private static int count(Map<TopicPartition, List<ConsumerRecord<String, String>>> read) {
        return read.values().stream().mapToInt(List::size).sum();
    }

    /** Each partition's records are exactly offsets {@code from}..99 with the values produced there. */
    private static void assertRecordsFrom(Map<TopicPartition, List<ConsumerRecord<String, String>>> read,
                                          Map<TopicPartition, Long> from) {
        from.forEach((tp, start) -> {
            List<ConsumerRecord<String, String>> records = read.getOrDefault(tp, List.of());
            List<Long> expectedOffsets = new ArrayList<>();
            List<String> expectedValues = new ArrayList<>();
            for (long offset = start; offset < PER_PARTITION; offset++) {
                expectedOffsets.add(offset);
                expectedValues.add(GroupTestSupport.value((int) (tp.partition() * PER_PARTITION + offset)));
            }
            assertThat(records).as("offsets read from %s", tp).extracting(ConsumerRecord::offset)
                    .containsExactlyElementsOf(expectedOffsets);
            assertThat(records).as("values read from %s", tp).extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(expectedValues);
        });
        assertThat(read.keySet()).as("partitions read from").isSubsetOf(from.keySet());
    }
}
