package io.strata.engine.it.group;

import java.util.HashSet;
import io.strata.engine.it.BrokerFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * Helpers shared by the consumer group integration tests. Every consumer is only ever touched by the test thread:
 * several consumers of one group are polled round-robin, which keeps the tests deterministic (a member that is not
 * polled simply does not rejoin until its turn).
 */
final class GroupTestSupport {
    /** How long one consumer's poll may block during a round-robin round. */
    static final Duration ROUND_POLL = Duration.ofMillis(50);

    private GroupTestSupport() {
    }

    /**
     * Consumer settings for a classic-protocol group member. Rebalance timeout (max.poll.interval.ms) is kept short
     * so that a member that never rejoins fails a test in seconds instead of minutes.
     */
    static Map<String, Object> groupProps(String groupId, String clientId, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 20_000);
        props.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        props.putAll(extra);
        return props;
    }

    static KafkaConsumer<String, String> groupConsumer(BrokerFixture fixture, String groupId, String clientId,
                                                       Map<String, Object> extra) {
        return fixture.consumer(groupProps(groupId, clientId, extra));
    }

    static String value(int index) {
        return "value-" + index;
    }

    static String key(int index) {
        return "key-" + index;
    }

    static int indexOf(ConsumerRecord<String, String> record) {
        return Integer.parseInt(record.value().substring("value-".length()));
    }

    /**
     * Sends {@code perPartition} records to each partition of {@code topic} (explicit partitions, keyed) with
     * acks=all and waits for every acknowledgement. Record {@code i} of partition {@code p} gets value index
     * {@code p * perPartition + i} and timestamp {@code baseTimestamp + i * 1000} when baseTimestamp is not null.
     * Checks that the broker acknowledged them at offsets 0..perPartition-1 in send order.
     */
    static void producePerPartition(KafkaProducer<String, String> producer, String topic, int partitions,
                                    int perPartition, Long baseTimestamp) throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            for (int i = 0; i < perPartition; i++) {
                int index = p * perPartition + i;
                Long timestamp = baseTimestamp == null ? null : baseTimestamp + i * 1_000L;
                futures.add(producer.send(new ProducerRecord<>(topic, p, timestamp, key(index), value(index))));
            }
        }
        for (int n = 0; n < futures.size(); n++) {
            RecordMetadata metadata = futures.get(n).get(60, SECONDS);
            int p = n / perPartition;
            long expectedOffset = n % perPartition;
            if (metadata.partition() != p || metadata.offset() != expectedOffset) {
                throw new AssertionError("record " + n + " acknowledged at " + metadata.partition() + "@"
                        + metadata.offset() + ", expected " + p + "@" + expectedOffset);
            }
        }
    }

    /**
     * Sends {@code count} more records to each partition, which must hold {@code startOffset} records already, and
     * checks they were acknowledged at offsets {@code startOffset..startOffset+count-1}. Value indexes start at
     * 1,000,000 so they differ from {@link #producePerPartition}'s.
     */
    static void producePerPartitionFrom(KafkaProducer<String, String> producer, String topic, int partitions,
                                        long startOffset, int count) throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            for (int i = 0; i < count; i++) {
                int index = 1_000_000 + p * count + i;
                futures.add(producer.send(new ProducerRecord<>(topic, p, key(index), value(index))));
            }
        }
        for (int n = 0; n < futures.size(); n++) {
            RecordMetadata metadata = futures.get(n).get(60, SECONDS);
            long expectedOffset = startOffset + n % count;
            if (metadata.partition() != n / count || metadata.offset() != expectedOffset) {
                throw new AssertionError("record " + n + " acknowledged at " + metadata.partition() + "@"
                        + metadata.offset() + ", expected " + (n / count) + "@" + expectedOffset);
            }
        }
    }

    static List<TopicPartition> partitions(String topic, int count) {
        List<TopicPartition> out = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }

    /** Polls every consumer once, in order, handing each non-empty batch to {@code onRecords}. */
    static void pollRound(List<KafkaConsumer<String, String>> consumers,
                          BiConsumer<KafkaConsumer<String, String>, ConsumerRecords<String, String>> onRecords) {
        for (KafkaConsumer<String, String> consumer : consumers) {
            ConsumerRecords<String, String> records = consumer.poll(ROUND_POLL);
            if (!records.isEmpty() && onRecords != null) {
                onRecords.accept(consumer, records);
            }
        }
    }

    /**
     * Polls the consumers round-robin until {@code done} holds (checked after every round), failing with
     * {@code what} and {@code state} after {@code timeout}. Returns how long it took.
     */
    static Duration pollUntil(String what, Duration timeout, List<KafkaConsumer<String, String>> consumers,
                              BiConsumer<KafkaConsumer<String, String>, ConsumerRecords<String, String>> onRecords,
                              BooleanSupplier done, java.util.function.Supplier<String> state) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            pollRound(consumers, onRecords);
            if (done.getAsBoolean()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting until " + what
                        + (state == null ? "" : "; state: " + state.get()));
            }
        }
    }

    /** Polls the consumers round-robin for {@code duration}, handing records to {@code onRecords}. */
    static void pollFor(Duration duration, List<KafkaConsumer<String, String>> consumers,
                        BiConsumer<KafkaConsumer<String, String>, ConsumerRecords<String, String>> onRecords) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            pollRound(consumers, onRecords);
        }
    }

    static String assignments(List<KafkaConsumer<String, String>> consumers) {
        return consumers.stream()
                .map(c -> c.groupMetadata().memberId() + "(gen " + c.groupMetadata().generationId() + ")="
                        + new TreeSet<>(c.assignment().stream().map(TopicPartition::toString).toList()))
                .collect(Collectors.joining(", "));
    }

    /** Offsets of {@code spec} (earliest, latest, by timestamp) for the partitions, through the admin client. */
    static Map<TopicPartition, Long> listOffsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec)
            throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request).all().get(30, SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** The group's committed offsets per partition (without metadata), through the admin client. */
    static Map<TopicPartition, Long> committedOffsets(Admin admin, String groupId) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, SECONDS);
        offsets.forEach((tp, om) -> out.put(tp, om == null ? null : om.offset()));
        return out;
    }

    /** Records every callback of a rebalance listener, in order; used from the polling thread only. */
    static final class RecordingListener implements ConsumerRebalanceListener {
        enum Kind { REVOKED, ASSIGNED, LOST }

        record Event(Kind kind, Set<TopicPartition> partitions) {
        }

        final List<Event> events = new ArrayList<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            events.add(new Event(Kind.REVOKED, Set.copyOf(partitions)));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            events.add(new Event(Kind.ASSIGNED, Set.copyOf(partitions)));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            events.add(new Event(Kind.LOST, Set.copyOf(partitions)));
        }

        List<Event> since(int index) {
            return List.copyOf(events.subList(index, events.size()));
        }

        Set<TopicPartition> all(Kind kind, int fromIndex) {
            Set<TopicPartition> out = new java.util.HashSet<>();
            for (Event e : since(fromIndex)) {
                if (e.kind() == kind) {
                    out.addAll(e.partitions());
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return events.toString();
        }
    }

    /** Each member holds {@code each} partitions, all from the same generation, together all {@code partitions}. */
    static boolean evenlySplit(List<KafkaConsumer<String, String>> members, int each, int partitions) {
        Set<TopicPartition> union = new HashSet<>();
        int generation = members.get(0).groupMetadata().generationId();
        for (KafkaConsumer<String, String> c : members) {
            if (c.assignment().size() != each || c.groupMetadata().generationId() != generation) {
                return false;
            }
            union.addAll(c.assignment());
        }
        return union.size() == partitions;
    }
}
