package io.strata.engine.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/** Small segments: rolling, file layout, and seeks / timestamp lookups that land in old segments. */
class SegmentRollTest extends BrokerTestBase {
    private static final String TOPIC = "rolling";
    private static final int RECORDS = 5_000;
    private static final int SEGMENT_BYTES = 16_384;
    private static final long BASE_TIMESTAMP = 1_600_000_000_000L;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void smallSegmentsRollAndOldSegmentsStayReadable() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        fixture.createTopic(admin, TOPIC, 1, Map.of(
                "segment.bytes", String.valueOf(SEGMENT_BYTES),
                "index.interval.bytes", "1024"));
        TopicPartition tp = new TopicPartition(TOPIC, 0);

        KafkaProducer<String, String> producer = fixture.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.BATCH_SIZE_CONFIG, 2048));
        List<Future<RecordMetadata>> futures = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            futures.add(producer.send(new ProducerRecord<>(TOPIC, 0, timestamp(i), "k" + i, value(i))));
        }
        for (int i = 0; i < RECORDS; i++) {
            assertThat(futures.get(i).get(60, SECONDS).offset()).as("offset of record %d", i).isEqualTo(i);
        }

        List<Path> segments = fixture.segmentFiles(TOPIC, 0);
        // ~1.1 MB of batches in 16 KiB segments.
        assertThat(segments).as("segment files").hasSizeGreaterThanOrEqualTo(30);
        List<Long> baseOffsets = segments.stream().map(BrokerFixture::baseOffset).toList();
        assertThat(baseOffsets.get(0)).isZero();
        assertThat(baseOffsets).isSorted().doesNotHaveDuplicates();
        for (Path segment : segments.subList(0, segments.size() - 1)) {
            assertThat(Files.size(segment)).as("size of rolled segment %s", segment.getFileName())
                    .isPositive().isLessThanOrEqualTo(SEGMENT_BYTES);
            String stem = segment.getFileName().toString().replace(".log", "");
            assertThat(segment.resolveSibling(stem + ".index")).exists();
            assertThat(segment.resolveSibling(stem + ".timeindex")).exists();
        }

        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100));
        consumer.assign(List.of(tp));

        assertExactRun(BrokerFixture.readFrom(consumer, tp, 1234, 100, READ_TIMEOUT), 1234);
        for (long base : baseOffsets.subList(1, baseOffsets.size())) {
            // The last record of the previous segment, then across the boundary.
            assertExactRun(BrokerFixture.readFrom(consumer, tp, base - 1, 3, READ_TIMEOUT), base - 1);
            assertExactRun(BrokerFixture.readFrom(consumer, tp, base, 2, READ_TIMEOUT), base);
        }
        assertExactRun(BrokerFixture.readFrom(consumer, tp, RECORDS - 1, 1, READ_TIMEOUT), RECORDS - 1);

        // Timestamp lookups that land in old segments: exact record timestamps and gaps between records.
        long middleOfThird = (baseOffsets.get(2) + baseOffsets.get(3)) / 2;
        assertTimestampLookup(admin, tp, timestamp((int) middleOfThird), middleOfThird);
        assertTimestampLookup(admin, tp, timestamp((int) middleOfThird) - 5, middleOfThird);
        assertTimestampLookup(admin, tp, timestamp(baseOffsets.get(5).intValue()), baseOffsets.get(5));
        assertTimestampLookup(admin, tp, timestamp(baseOffsets.get(5).intValue()) - 1, baseOffsets.get(5));
        assertTimestampLookup(admin, tp, timestamp(baseOffsets.get(5).intValue() - 1) + 1, baseOffsets.get(5));
        assertTimestampLookup(admin, tp, BASE_TIMESTAMP - 1, 0);
        assertTimestampLookup(admin, tp, timestamp(1234), 1234);
        assertTimestampLookup(admin, tp, timestamp(RECORDS - 1) + 1, -1);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, SECONDS).offset())
                .isEqualTo(RECORDS);
    }

    private static void assertExactRun(List<ConsumerRecord<String, String>> records, long firstOffset) {
        for (int j = 0; j < records.size(); j++) {
            ConsumerRecord<String, String> record = records.get(j);
            int index = (int) (firstOffset + j);
            assertThat(record.offset()).isEqualTo(index);
            assertThat(record.key()).isEqualTo("k" + index);
            assertThat(record.value()).isEqualTo(value(index));
            assertThat(record.timestamp()).isEqualTo(timestamp(index));
        }
    }

    private static void assertTimestampLookup(Admin admin, TopicPartition tp, long target, long expectedOffset)
            throws Exception {
        ListOffsetsResultInfo info = admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(target)))
                .partitionResult(tp).get(30, SECONDS);
        assertThat(info.offset()).as("offset for timestamp %d", target).isEqualTo(expectedOffset);
        if (expectedOffset >= 0) {
            assertThat(info.timestamp()).isEqualTo(timestamp((int) expectedOffset));
        }
    }

    /** Records are 10 ms apart, so target - 5 falls between two records. */
    private static long timestamp(int index) {
        return BASE_TIMESTAMP + 10L * index;
    }

    /** About 200 bytes. */
    private static String value(int index) {
        String prefix = "segment-record-" + index + "-";
        return prefix + "v".repeat(200 - prefix.length());
    }
}
