package io.strata.engine.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Produces compressed, keyed records with headers and explicit timestamps through real kafka-clients and
 * checks that consumers and ListOffsets see exactly what was acknowledged.
 */
class ProduceConsumeTest extends StartedBrokerTestBase {
    private static final String TOPIC = "orders";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 100_000;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    @Test
    void compressedKeyedRecordsRoundTripExactly() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, TOPIC, PARTITIONS, Map.of());
        assertThat(admin.listTopics().names().get(30, SECONDS)).contains(TOPIC);
        TopicDescription description = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, SECONDS)
                .get(TOPIC);
        assertThat(description.partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2);
        assertThat(description.partitions()).allSatisfy(p -> {
            assertThat(p.leader()).isNotNull();
            assertThat(p.leader().id()).isEqualTo(0);
            assertThat(p.replicas()).extracting(Node::id).containsExactly(0);
            assertThat(p.isr()).extracting(Node::id).containsExactly(0);
        });

        RecordMetadata[] acked = new RecordMetadata[RECORDS];
        produce(0, RECORDS / 2, "lz4", acked);
        produce(RECORDS / 2, RECORDS, "zstd", acked);

        // Record indexes per partition in send order; one idempotent producer at a time keeps that order.
        Map<Integer, List<Integer>> sentByPartition = new TreeMap<>();
        for (int i = 0; i < RECORDS; i++) {
            sentByPartition.computeIfAbsent(acked[i].partition(), p -> new ArrayList<>()).add(i);
        }
        assertThat(sentByPartition.keySet()).containsExactly(0, 1, 2);
        sentByPartition.forEach((partition, indexes) -> {
            for (int position = 0; position < indexes.size(); position++) {
                long offset = acked[indexes.get(position)].offset();
                if (offset != position) {
                    fail("partition %d: send #%d (record %d) was acknowledged at offset %d, expected %d",
                            partition, position, indexes.get(position), offset, position);
                }
            }
        });

        readBackAndCompare(sentByPartition);
        checkListOffsets(admin, sentByPartition);
    }

    @Test
    void acksZeroAndAcksOneProducersAreServed() throws Exception {
        String topic = "small-acks";
        fixture.createTopic(fixture.admin(), topic, 1, Map.of());

        KafkaProducer<String, String> acksOne = fixture.producer(Map.of(ProducerConfig.ACKS_CONFIG, "1"));
        for (int i = 0; i < 100; i++) {
            RecordMetadata metadata = acksOne.send(new ProducerRecord<>(topic, "acks1-" + i)).get(30, SECONDS);
            assertThat(metadata.offset()).isEqualTo(i);
        }
        KafkaProducer<String, String> acksZero = fixture.producer(Map.of(ProducerConfig.ACKS_CONFIG, "0"));
        for (int i = 0; i < 100; i++) {
            acksZero.send(new ProducerRecord<>(topic, "acks0-" + i));
        }
        acksZero.flush();
        // The acks=0 requests got no responses; the broker must still serve the next request in order.
        assertThat(acksOne.send(new ProducerRecord<>(topic, "after")).get(30, SECONDS).offset()).isEqualTo(200);

        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of());
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<String, String>> records =
                BrokerFixture.pollUntilEnd(consumer, Map.of(tp, 201L), Duration.ofSeconds(30)).get(tp);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("acks1-" + i);
        }
        for (int i = 0; i < 100; i++) {
            expected.add("acks0-" + i);
        }
        expected.add("after");
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyElementsOf(expected);
        assertThat(records).extracting(ConsumerRecord::offset)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 201).boxed().toList());
    }

    private void produce(int from, int to, String compression, RecordMetadata[] acked) throws Exception {
        KafkaProducer<String, String> producer = fixture.producer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression,
                ProducerConfig.ACKS_CONFIG, "all"));
        List<Future<RecordMetadata>> futures = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            futures.add(producer.send(new ProducerRecord<>(TOPIC, null, timestamp(i), key(i), value(i),
                    headers(i))));
        }
        for (int i = from; i < to; i++) {
            acked[i] = futures.get(i - from).get(60, SECONDS);
        }
        producer.close(Duration.ofSeconds(10));
    }

    private void readBackAndCompare(Map<Integer, List<Integer>> sentByPartition) {
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000));
        List<TopicPartition> partitions = sentByPartition.keySet().stream()
                .map(p -> new TopicPartition(TOPIC, p)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions.subList(0, 2));
        // The third partition starts in the middle, usually inside a compressed batch.
        long seekOffset = sentByPartition.get(2).size() / 2 + 3;
        consumer.seek(partitions.get(2), seekOffset);

        Map<TopicPartition, Long> ends = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        partitions.forEach(tp -> ends.put(tp, (long) sentByPartition.get(tp.partition()).size()));
        Map<TopicPartition, List<ConsumerRecord<String, String>>> received =
                BrokerFixture.pollUntilEnd(consumer, ends, Duration.ofSeconds(90));

        for (TopicPartition tp : partitions) {
            List<Integer> sent = sentByPartition.get(tp.partition());
            long start = tp.partition() == 2 ? seekOffset : 0;
            List<ConsumerRecord<String, String>> records = received.get(tp);
            assertThat(records).as("records of %s", tp).hasSize((int) (sent.size() - start));
            for (int j = 0; j < records.size(); j++) {
                long offset = start + j;
                assertRecord(records.get(j), offset, sent.get((int) offset));
            }
        }
    }

    private static void assertRecord(ConsumerRecord<String, String> record, long offset, int index) {
        if (record.offset() != offset || !key(index).equals(record.key()) || !value(index).equals(record.value())
                || record.timestamp() != timestamp(index) || record.timestampType() != TimestampType.CREATE_TIME
                || !headerStrings(headers(index).toArray()).equals(headerStrings(record.headers().toArray()))) {
            fail("At %s-%d@%d expected record %d {key=%s, value=%s, timestamp=%d CreateTime, headers=%s} but got"
                            + " offset %d {key=%s, value=%s, timestamp=%d %s, headers=%s}",
                    record.topic(), record.partition(), offset, index, key(index), value(index), timestamp(index),
                    headerStrings(headers(index).toArray()), record.offset(), record.key(), record.value(),
                    record.timestamp(), record.timestampType(), headerStrings(record.headers().toArray()));
        }
    }

    private void checkListOffsets(Admin admin, Map<Integer, List<Integer>> sentByPartition) throws Exception {
        for (Map.Entry<Integer, List<Integer>> entry : sentByPartition.entrySet()) {
            TopicPartition tp = new TopicPartition(TOPIC, entry.getKey());
            long[] timestamps = entry.getValue().stream().mapToLong(ProduceConsumeTest::timestamp).toArray();
            int n = timestamps.length;

            assertThat(listOffset(admin, tp, OffsetSpec.earliest()).offset()).isZero();
            assertThat(listOffset(admin, tp, OffsetSpec.latest()).offset()).isEqualTo(n);
            ListOffsetsResultInfo max = listOffset(admin, tp, OffsetSpec.maxTimestamp());
            assertThat(max.offset()).as("max timestamp offset of %s", tp).isEqualTo(n - 1);
            assertThat(max.timestamp()).isEqualTo(timestamps[n - 1]);

            List<Long> targets = new ArrayList<>(List.of(BASE_TIMESTAMP - 1_000, timestamps[n - 1] + 1));
            for (int k : new int[] {1, n / 3, n / 2 + 7, n - 1}) {
                targets.add(timestamps[k]);
                targets.add(timestamps[k - 1] + 1); // between two records when keys spread the indexes
            }
            for (long target : targets) {
                int expected = firstAtOrAfter(timestamps, target);
                ListOffsetsResultInfo info = listOffset(admin, tp, OffsetSpec.forTimestamp(target));
                assertThat(info.offset()).as("offset for timestamp %d in %s", target, tp).isEqualTo(expected);
                if (expected >= 0) {
                    assertThat(info.timestamp()).as("timestamp for %d in %s", target, tp)
                            .isEqualTo(timestamps[expected]);
                }
            }
        }
    }

    /** Index of the first timestamp >= target, or -1 (Kafka's answer when no record qualifies). */
    private static int firstAtOrAfter(long[] timestamps, long target) {
        for (int i = 0; i < timestamps.length; i++) {
            if (timestamps[i] >= target) {
                return i;
            }
        }
        return -1;
    }

    private static ListOffsetsResultInfo listOffset(Admin admin, TopicPartition tp, OffsetSpec spec)
            throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get(30, SECONDS);
    }

    private static long timestamp(int index) {
        return BASE_TIMESTAMP + index;
    }

    private static String key(int index) {
        return "key-" + index;
    }

    /** About 70 bytes that differ per record, so compression has real work to do. */
    private static String value(int index) {
        String noise = Long.toString((index + 1L) * 0x9E3779B97F4A7C15L, 36);
        return "value-" + index + "-" + noise + noise + noise;
    }

    private static RecordHeaders headers(int index) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", ("trace-" + index).getBytes(StandardCharsets.UTF_8));
        headers.add("seq", ByteBuffer.allocate(8).putLong(index).array());
        return headers;
    }

    private static List<String> headerStrings(Header[] headers) {
        return Arrays.stream(headers)
                .map(h -> h.key() + "=" + (h.value() == null ? "null" : HexFormat.of().formatHex(h.value())))
                .toList();
    }
}
