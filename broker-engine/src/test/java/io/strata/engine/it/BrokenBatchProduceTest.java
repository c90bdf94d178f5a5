package io.strata.engine.it;

import io.strata.engine.testing.RawBatches;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.stream.LongStream;

import static io.strata.engine.testing.RawBatches.bytes;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Batches that kafka-clients built correctly and a test then broke (with the CRC recomputed, so only the
 * records are wrong) are sent as raw Produce requests. Each must be refused with the right error code, an
 * error message and the bad record's index in {@code record_errors}, without closing the connection or
 * touching the log: the next valid batch on the same connection is appended right after the previous one,
 * and a consumer then reads exactly the valid records.
 */
class BrokenBatchProduceTest extends StartedBrokerTestBase {
    private static final List<String> BEFORE = List.of("before-0", "before-1", "before-2");
    private static final List<String> AFTER = List.of("after-0", "after-1", "after-2");

    @Test
    void aRecordLengthRunningPastTheEndOfTheBatchIsRefused() throws Exception {
        ByteBuffer batch = threeRecords(Compression.NONE);
        int last = RawBatches.recordPositions(batch).get(2);
        assertThat(batch.limit() - last).as("the last record is short: a length of 63 runs past the end").isLessThan(63);
        batch.put(last, (byte) 126); // zigzag varint for 63, one byte like the original
        RawBatches.fixCrc(batch);

        PartitionProduceResponse refusal = refusedBetweenValidBatches("length-past-end", Map.of(), batch);
        assertRefused(refusal, Errors.INVALID_RECORD, 2);
        assertPartitionHolds("length-past-end", 0, valid());
    }

    @Test
    void aRecordCountAboveTheRecordsInTheBatchIsRefused() throws Exception {
        ByteBuffer batch = RawBatches.withRecordCount(threeRecords(Compression.NONE), 4);

        assertRefused(refusedBetweenValidBatches("count-above", Map.of(), batch), Errors.INVALID_RECORD, 3);
        assertPartitionHolds("count-above", 0, valid());
    }

    @Test
    void aRecordCountBelowTheRecordsInTheBatchIsRefused() throws Exception {
        ByteBuffer batch = RawBatches.withRecordCount(threeRecords(Compression.NONE), 2);

        // The walk stops after the declared two records and finds a third: that one is named.
        assertRefused(refusedBetweenValidBatches("count-below", Map.of(), batch), Errors.INVALID_RECORD, 2);
        assertPartitionHolds("count-below", 0, valid());
    }

    @Test
    void randomBytesInTheRecordsSectionAreRefused() throws Exception {
        byte[] garbage = new byte[200];
        new Random(20261201L).nextBytes(garbage);
        ByteBuffer batch = RawBatches.withRecordsSection(threeRecords(Compression.NONE), garbage, 3);

        assertRefused(refusedBetweenValidBatches("random-records", Map.of(), batch), Errors.INVALID_RECORD, 0);
        assertPartitionHolds("random-records", 0, valid());
    }

    @Test
    void aGzipBatchWhosePayloadIsNotGzipIsRefused() throws Exception {
        // The records as plain bytes, labelled gzip.
        ByteBuffer batch = RawBatches.withCodecBits(threeRecords(Compression.NONE), CompressionType.GZIP.id);

        PartitionProduceResponse refusal = refusedBetweenValidBatches("not-gzip", Map.of(), batch);
        assertRefused(refusal, Errors.INVALID_RECORD, 0);
        assertThat(refusal.recordErrors().get(0).batchIndexErrorMessage()).contains("gzip");
        assertPartitionHolds("not-gzip", 0, valid());
    }

    @Test
    void aRecordWithoutAKeyOnACompactedTopicIsRefused() throws Exception {
        ByteBuffer batch = RawBatches.batch(Compression.NONE, record("k0", "v0"), record(null, "v1"),
                record("k2", "v2"));

        PartitionProduceResponse refusal = refusedBetweenValidBatches("compacted-keyless",
                Map.of("cleanup.policy", "compact"), batch);
        assertRefused(refusal, Errors.INVALID_RECORD, 1);
        assertThat(refusal.recordErrors().get(0).batchIndexErrorMessage()).contains("without key");
        assertPartitionHolds("compacted-keyless", 0, valid());
    }

    @Test
    void aRecordTimestampOutOfRangeIsRefusedEvenWhenTheBatchTimestampsAreInRange() throws Exception {
        long now = System.currentTimeMillis();
        ByteBuffer batch = RawBatches.batch(Compression.NONE, new SimpleRecord(now, bytes("k0"), bytes("v0")),
                new SimpleRecord(now + 3_600_000, bytes("k1"), bytes("v1")),
                new SimpleRecord(now, bytes("k2"), bytes("v2")));
        assertThat(batch.getLong(RawBatches.BASE_TIMESTAMP)).isEqualTo(now);
        batch.putLong(RawBatches.MAX_TIMESTAMP, now); // the header no longer shows the record an hour ahead
        RawBatches.fixCrc(batch);

        PartitionProduceResponse refusal = refusedBetweenValidBatches("record-timestamp",
                Map.of("message.timestamp.after.max.ms", "60000"), batch);
        assertRefused(refusal, Errors.INVALID_TIMESTAMP, 1);
        assertPartitionHolds("record-timestamp", 0, valid());
    }

    @Test
    void aCompressedRecordLargerThanMaxDecompressedMessageBytesIsRefusedButTheSameRecordUncompressedIsNot()
            throws Exception {
        String topic = "max-decompressed";
        fixture.createTopic(fixture.admin(), topic, 1, Map.of("max.decompressed.message.bytes", "512"));
        TopicPartition tp = new TopicPartition(topic, 0);
        String large = "x".repeat(4096);
        try (RawProducer producer = new RawProducer(fixture.bootstrapServers())) {
            assertAccepted(producer.produce(tp, RawBatches.records(RawBatches.batch(Compression.gzip().build(),
                    record("k0", "small-gzip")))), 0);
            ByteBuffer gzip = RawBatches.batch(Compression.gzip().build(), record("k1", large));
            assertThat(gzip.limit()).as("compressed, the batch is far below 512 bytes").isLessThan(512);
            assertRefused(producer.produce(tp, RawBatches.records(gzip)), Errors.INVALID_RECORD, 0);
            assertAccepted(producer.produce(tp, RawBatches.records(RawBatches.batch(Compression.NONE,
                    record("k1", large)))), 1);
        }
        assertPartitionHolds(topic, 0, List.of("small-gzip", large));
    }

    @Test
    void aRefusedBatchDoesNotAffectTheOtherPartitionOfTheRequest() throws Exception {
        String topic = "two-partitions";
        fixture.createTopic(fixture.admin(), topic, 2, Map.of());
        TopicPartition broken = new TopicPartition(topic, 0);
        TopicPartition fine = new TopicPartition(topic, 1);
        Map<TopicPartition, MemoryRecords> batches = new LinkedHashMap<>();
        batches.put(broken, RawBatches.records(RawBatches.withRecordCount(threeRecords(Compression.NONE), 4)));
        batches.put(fine, RawBatches.records(validBatch(BEFORE)));
        try (RawProducer producer = new RawProducer(fixture.bootstrapServers())) {
            Map<TopicPartition, PartitionProduceResponse> responses =
                    producer.produce(RawProducer.LAST_VERSION_BY_NAME, batches);
            assertRefused(responses.get(broken), Errors.INVALID_RECORD, 3);
            assertAccepted(responses.get(fine), 0);
            assertAccepted(producer.produce(broken, RawBatches.records(validBatch(AFTER))), 0);
        }
        assertPartitionHolds(topic, 0, AFTER);
        assertPartitionHolds(topic, 1, BEFORE);
    }

    @Test
    void aKafkaProducerGetsInvalidRecordExceptionForAKeylessRecordOnACompactedTopic() throws Exception {
        String topic = "compacted-producer";
        fixture.createTopic(fixture.admin(), topic, 1, Map.of("cleanup.policy", "compact"));
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        assertThat(producer.send(new ProducerRecord<>(topic, 0, "k0", "keyed-0")).get(30, SECONDS).offset()).isZero();
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, 0, null, "keyless")).get(30, SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidRecordException.class);
        assertThat(producer.send(new ProducerRecord<>(topic, 0, "k1", "keyed-1")).get(30, SECONDS).offset())
                .isEqualTo(1);
        assertPartitionHolds(topic, 0, List.of("keyed-0", "keyed-1"));
    }

    // ---- helpers ----

    /** Three keyed records, "v0".."v2", timestamped now. */
    private static ByteBuffer threeRecords(Compression compression) {
        return RawBatches.batch(compression, record("k0", "v0"), record("k1", "v1"), record("k2", "v2"));
    }

    private static SimpleRecord record(String key, String value) {
        return new SimpleRecord(System.currentTimeMillis(), bytes(key), bytes(value));
    }

    private static ByteBuffer validBatch(List<String> values) {
        SimpleRecord[] records = new SimpleRecord[values.size()];
        for (int i = 0; i < records.length; i++) {
            records[i] = record("key-" + values.get(i), values.get(i));
        }
        return RawBatches.batch(Compression.NONE, records);
    }

    private static List<String> valid() {
        List<String> values = new ArrayList<>(BEFORE);
        values.addAll(AFTER);
        return values;
    }

    /**
     * Creates {@code topic} (one partition) and sends, on one connection, a valid batch, {@code broken} and
     * another valid batch; checks that both valid ones are appended back to back and returns the answer
     * to the broken one.
     */
    private PartitionProduceResponse refusedBetweenValidBatches(String topic, Map<String, String> configs,
                                                                ByteBuffer broken) throws Exception {
        fixture.createTopic(fixture.admin(), topic, 1, configs);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawProducer producer = new RawProducer(fixture.bootstrapServers())) {
            assertAccepted(producer.produce(tp, RawBatches.records(validBatch(BEFORE))), 0);
            PartitionProduceResponse refusal = producer.produce(tp, RawBatches.records(broken));
            assertAccepted(producer.produce(tp, RawBatches.records(validBatch(AFTER))), BEFORE.size());
            return refusal;
        }
    }

    private static void assertAccepted(PartitionProduceResponse response, long baseOffset) {
        assertThat(Errors.forCode(response.errorCode())).as("error of %s", response).isEqualTo(Errors.NONE);
        assertThat(response.baseOffset()).isEqualTo(baseOffset);
    }

    private static void assertRefused(PartitionProduceResponse response, Errors error, int badRecord) {
        assertThat(Errors.forCode(response.errorCode())).as("error of %s", response).isEqualTo(error);
        assertThat(response.errorMessage()).isNotBlank();
        assertThat(response.baseOffset()).isEqualTo(-1L);
        assertThat(response.recordErrors()).extracting(BatchIndexAndErrorMessage::batchIndex)
                .containsExactly(badRecord);
        assertThat(response.recordErrors()).allSatisfy(e -> assertThat(e.batchIndexErrorMessage()).isNotBlank());
    }

    /** A consumer (checking CRCs) reads the partition from the beginning: exactly these values, offsets 0..n-1. */
    private void assertPartitionHolds(String topic, int partition, List<String> values) {
        TopicPartition tp = new TopicPartition(topic, partition);
        List<ConsumerRecord<String, String>> records = BrokerFixture.readAll(
                fixture.consumer(Map.of(ConsumerConfig.CHECK_CRCS_CONFIG, true)), List.of(tp),
                Duration.ofSeconds(30)).get(tp);
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyElementsOf(values);
        assertThat(records).extracting(ConsumerRecord::offset)
                .containsExactlyElementsOf(LongStream.range(0, values.size()).boxed().toList());
    }
}
