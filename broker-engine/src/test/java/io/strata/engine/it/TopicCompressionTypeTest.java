package io.strata.engine.it;

import io.strata.engine.testing.RawBatches;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static io.strata.engine.testing.RawBatches.bytes;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code compression.type} naming a codec: batches a producer sends in another codec are stored rewritten
 * in that one (checked in the segment files), and a consumer reads back exactly what was sent, offsets
 * included. A topic with {@code compression.type=producer} beside it shows the batches did arrive in the
 * producer's codec. Idempotent retries of a rewritten batch are still recognised.
 */
class TopicCompressionTypeTest extends StartedBrokerTestBase {
    private static final int RECORDS = 500;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    private Admin admin;

    @Test
    void aGzipProducersBatchesAreStoredAsZstdAndReadBackUnchanged() throws Exception {
        assertStoredInTheTopicsCodec("zstd", "gzip", CompressionType.ZSTD, CompressionType.GZIP);
    }

    @Test
    void anLz4ProducersBatchesAreStoredUncompressedOnAnUncompressedTopic() throws Exception {
        assertStoredInTheTopicsCodec("uncompressed", "lz4", CompressionType.NONE, CompressionType.LZ4);
    }

    @Test
    void aRetriedIdempotentBatchRewrittenToZstdIsNotWrittenTwice() throws Exception {
        String topic = "zstd-idempotent";
        fixture.createTopic(fixture.admin(), topic, 1, Map.of("compression.type", "zstd"));
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawProducer producer = new RawProducer(fixture.bootstrapServers())) {
            InitProducerIdResponseData id = producer.initProducerId();
            ByteBuffer first = idempotentGzipBatch(id, 0, "first", 5);
            ByteBuffer second = idempotentGzipBatch(id, 5, "second", 3);

            assertAppendedAt(producer.produce(tp, RawBatches.records(first)), 0);
            assertAppendedAt(producer.produce(tp, RawBatches.records(first)), 0); // the retry: same answer
            assertThat(logEndOffset(tp)).as("the retry was not appended").isEqualTo(5);
            assertAppendedAt(producer.produce(tp, RawBatches.records(second)), 5);
        }
        assertThat(logEndOffset(tp)).isEqualTo(8);
        List<ConsumerRecord<String, String>> read = BrokerFixture.readAll(fixture.consumer(Map.of()), List.of(tp),
                Duration.ofSeconds(30)).get(tp);
        assertThat(read).extracting(ConsumerRecord::value).containsExactly(
                "first-0", "first-1", "first-2", "first-3", "first-4", "second-0", "second-1", "second-2");
        assertThat(storedCodecs(topic)).containsOnly(CompressionType.ZSTD);
    }

    // ---- helpers ----

    /**
     * The same records go through a producer compressing with {@code producerCodec} to a topic with
     * {@code compression.type=topicCodec} and to one with {@code producer}; both read back unchanged, and
     * their segment files hold {@code stored} and {@code sent} batches respectively.
     */
    private void assertStoredInTheTopicsCodec(String topicCodec, String producerCodec, CompressionType stored,
                                              CompressionType sent) throws Exception {
        fixture.createTopic(fixture.admin(), "rewritten", 1, Map.of("compression.type", topicCodec));
        fixture.createTopic(fixture.admin(), "as-sent", 1, Map.of("compression.type", "producer"));

        produceAndReadBack("rewritten", producerCodec);
        produceAndReadBack("as-sent", producerCodec);

        assertThat(storedCodecs("rewritten")).containsOnly(stored);
        assertThat(storedCodecs("as-sent")).as("what the producer sent").containsOnly(sent);
    }

    /**
     * Sends {@link #RECORDS} records with keys, values, headers and explicit timestamps through a producer
     * compressing with {@code codec}, then reads the partition from the beginning and compares every field.
     */
    private void produceAndReadBack(String topic, String codec) throws Exception {
        KafkaProducer<String, String> producer = fixture.producer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 20));
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            futures.add(producer.send(new ProducerRecord<>(topic, 0, BASE_TIMESTAMP + 7L * i, "key-" + i,
                    "value-" + i + "-" + "v".repeat(i % 50), headers(i))));
        }
        List<Long> offsets = new ArrayList<>();
        for (Future<RecordMetadata> future : futures) {
            offsets.add(future.get(60, SECONDS).offset());
        }
        producer.close(Duration.ofSeconds(10));

        TopicPartition tp = new TopicPartition(topic, 0);
        List<ConsumerRecord<String, String>> read = BrokerFixture.readAll(
                fixture.consumer(Map.of(ConsumerConfig.CHECK_CRCS_CONFIG, true)), List.of(tp),
                Duration.ofSeconds(60)).get(tp);
        assertThat(read).hasSize(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            ConsumerRecord<String, String> record = read.get(i);
            assertThat(record.offset()).as("offset of record %d", i).isEqualTo(offsets.get(i)).isEqualTo(i);
            assertThat(record.key()).isEqualTo("key-" + i);
            assertThat(record.value()).isEqualTo("value-" + i + "-" + "v".repeat(i % 50));
            assertThat(record.timestamp()).isEqualTo(BASE_TIMESTAMP + 7L * i);
            assertThat(record.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
            assertThat(record.headers()).as("headers of record %d", i).isEqualTo(headers(i));
        }
    }

    /** 0 to 2 headers, one of them with a null value. */
    private static RecordHeaders headers(int i) {
        RecordHeaders headers = new RecordHeaders();
        if (i % 3 >= 1) {
            headers.add(new RecordHeader("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        if (i % 3 == 2) {
            headers.add(new RecordHeader("empty", null));
        }
        return headers;
    }

    /** The codec of every batch in the partition's segment files (its only partition). */
    private List<CompressionType> storedCodecs(String topic) throws Exception {
        List<CompressionType> codecs = new ArrayList<>();
        for (Path segment : fixture.segmentFiles(topic, 0)) {
            MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(segment)));
            for (RecordBatch batch : records.batches()) {
                batch.ensureValid();
                codecs.add(batch.compressionType());
            }
        }
        assertThat(codecs).as("batches of %s on disk", topic).isNotEmpty();
        return codecs;
    }

    private static ByteBuffer idempotentGzipBatch(InitProducerIdResponseData id, int baseSequence, String prefix,
                                                  int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), bytes("k" + i), bytes(prefix + "-" + i));
        }
        return RawBatches.copy(MemoryRecords.withIdempotentRecords(Compression.gzip().build(), id.producerId(),
                id.producerEpoch(), baseSequence, records));
    }

    private static void assertAppendedAt(PartitionProduceResponse response, long baseOffset) {
        assertThat(Errors.forCode(response.errorCode())).as("error of %s", response).isEqualTo(Errors.NONE);
        assertThat(response.baseOffset()).isEqualTo(baseOffset);
    }

    private long logEndOffset(TopicPartition tp) throws Exception {
        if (admin == null) {
            admin = fixture.admin();
        }
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, SECONDS)
                .offset();
    }
}
