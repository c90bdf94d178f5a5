package io.strata.engine.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/** Crash, graceful restart and torn-tail recovery, observed only through kafka-clients and the data dir. */
class BrokerRestartTest extends BrokerTestBase {
    private static final String CLEAN_SHUTDOWN_MARKER = "clean-shutdown";

    @Test
    void haltMidStreamKeepsEveryAcknowledgedRecordAndNeverReusesAnOffset() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        String topic = "crash";
        fixture.createTopic(fixture.admin(), topic, 1, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.BATCH_SIZE_CONFIG, 16384,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
        ContinuousSender sender = new ContinuousSender(producer, topic);
        sender.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> sender.healthy() && sender.acked.size() >= 3_000);
        fixture.halt();
        Thread.sleep(500); // responses the old broker already wrote may still arrive; they count as "before"
        Map<Integer, Long> ackedBeforeRestart = Map.copyOf(sender.acked);
        fixture.restart();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> sender.healthy() && sender.acked.size() >= ackedBeforeRestart.size() + 3_000);
        sender.stop();
        producer.close(Duration.ofSeconds(60)); // completes what is still in flight
        Map<Integer, Long> acked = Map.copyOf(sender.acked);

        long maxOffsetBefore = ackedBeforeRestart.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        acked.forEach((index, offset) -> {
            if (!ackedBeforeRestart.containsKey(index) && offset <= maxOffsetBefore) {
                fail("record %d was acknowledged after the restart at offset %d, but offsets up to %d were"
                        + " acknowledged before the crash", index, offset, maxOffsetBefore);
            }
        });
        Map<Long, Integer> ackedByOffset = new HashMap<>();
        acked.forEach((index, offset) -> {
            Integer previous = ackedByOffset.put(offset, index);
            if (previous != null) {
                fail("offset %d was acknowledged for records %d and %d", offset, previous, index);
            }
        });

        TopicPartition tp = new TopicPartition(topic, 0);
        List<ConsumerRecord<String, String>> log = readAll(tp);
        Map<String, Long> offsetByValue = new HashMap<>();
        for (int i = 0; i < log.size(); i++) {
            ConsumerRecord<String, String> record = log.get(i);
            assertThat(record.offset()).as("offsets are contiguous from 0").isEqualTo(i);
            Long duplicate = offsetByValue.put(record.value(), record.offset());
            if (duplicate != null) {
                fail("idempotent producer's record '%s' is in the log twice, at %d and %d",
                        record.value(), duplicate, record.offset());
            }
        }
        acked.forEach((index, offset) -> {
            assertThat(offset).as("acknowledged offset of record %d is below the log end %d", index, log.size())
                    .isLessThan(log.size());
            assertThat(log.get(offset.intValue()).value()).as("record at acknowledged offset %d", offset)
                    .isEqualTo(ContinuousSender.value(index));
        });
    }

    @Test
    void gracefulCloseAndRestartKeepsAllDataAndTheHighWatermark() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        String topic = "graceful";
        Admin admin = fixture.admin();
        fixture.createTopic(admin, topic, 2, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            futures.add(producer.send(new ProducerRecord<>(topic, i % 2, null, "g-" + i)));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).get(60, SECONDS).offset()).isEqualTo(i / 2);
        }

        fixture.closeBroker();
        fixture.restart();

        TopicPartition tp0 = new TopicPartition(topic, 0);
        TopicPartition tp1 = new TopicPartition(topic, 1);
        for (TopicPartition tp : List.of(tp0, tp1)) {
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, SECONDS)
                    .offset()).as("high watermark of %s after restart", tp).isEqualTo(2_500);
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get(30, SECONDS)
                    .offset()).isZero();
        }
        // The producer from before the restart reconnects to the same port and continues the sequence.
        for (int i = 5_000; i < 5_020; i++) {
            RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, i % 2, null, "g-" + i))
                    .get(60, SECONDS);
            assertThat(metadata.offset()).isEqualTo(i / 2);
        }
        for (TopicPartition tp : List.of(tp0, tp1)) {
            List<String> expected = new ArrayList<>();
            for (int i = tp.partition(); i < 5_020; i += 2) {
                expected.add("g-" + i);
            }
            assertThat(readAll(tp)).extracting(ConsumerRecord::value).containsExactlyElementsOf(expected);
        }
    }

    /** How the broker goes down before the tail is torn; either way no clean-shutdown marker is left. */
    enum Stop { HALT, CLOSE_THEN_REMOVE_MARKER }

    @ParameterizedTest
    @EnumSource(Stop.class)
    void tornTailBatchIsCutOffOnRecoveryAndProduceContinuesFromThere(Stop stop) throws Exception {
        fixture = BrokerFixture.start(dataDir);
        String topic = "torn";
        TopicPartition tp = new TopicPartition(topic, 0);
        fixture.createTopic(fixture.admin(), topic, 1, Map.of());
        // A long linger with explicit flushes makes every 100 records one batch.
        KafkaProducer<String, String> producer = fixture.producer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 10_000,
                ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20));
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int batch = 0; batch < 10; batch++) {
            for (int r = 0; r < 100; r++) {
                futures.add(producer.send(new ProducerRecord<>(topic, tornValue(batch * 100 + r))));
            }
            producer.flush();
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).get(60, SECONDS).offset()).isEqualTo(i);
        }
        producer.close(Duration.ofSeconds(10));

        if (stop == Stop.HALT) {
            fixture.halt(); // leaves no clean-shutdown marker, so the restart must validate the tail
        } else {
            fixture.closeBroker();
            removeCleanShutdownMarkers();
        }
        List<Path> segments = fixture.segmentFiles(topic, 0);
        assertThat(segments).isNotEmpty();
        Path newest = segments.get(segments.size() - 1);
        List<BatchLocation> batches = scanBatches(newest);
        assertThat(batches).isNotEmpty();
        BatchLocation last = batches.get(batches.size() - 1);
        assertThat(last.lastOffset()).as("last batch of the newest segment ends the log").isEqualTo(999);
        assertThat(last.baseOffset()).as("the last batch holds the last flush's records").isEqualTo(900);
        try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            channel.truncate(last.position() + last.sizeInBytes() / 2);
        }

        fixture.restart();

        long survivors = last.baseOffset();
        Admin admin = fixture.admin();
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, SECONDS).offset())
                .as("log end offset after cutting the torn batch").isEqualTo(survivors);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < survivors; i++) {
            expected.add(tornValue(i));
        }
        assertThat(readAll(tp)).extracting(ConsumerRecord::value).containsExactlyElementsOf(expected);

        // A new producer: the old one's sequence numbers would (rightly) be out of order after the loss.
        KafkaProducer<String, String> after = fixture.producer(Map.of());
        for (int i = 0; i < 50; i++) {
            String value = "after-" + i;
            assertThat(after.send(new ProducerRecord<>(topic, value)).get(30, SECONDS).offset())
                    .isEqualTo(survivors + i);
            expected.add(value);
        }
        List<ConsumerRecord<String, String>> all = readAll(tp);
        assertThat(all).extracting(ConsumerRecord::value).containsExactlyElementsOf(expected);
        assertThat(all).extracting(ConsumerRecord::offset)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, expected.size()).boxed().toList());
    }

    /**
     * Deletes the storage engine's clean-shutdown record ({@code clean-shutdown}, see io.strata.engine.log's
     * LogFileNames) wherever it is in the data dir, as if the broker had crashed after its last flush.
     */
    private void removeCleanShutdownMarkers() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path marker : files.filter(f -> f.getFileName().toString().equals(CLEAN_SHUTDOWN_MARKER)).toList()) {
                Files.delete(marker);
            }
        }
    }

    /** Reads the partition from offset 0 up to its current end offset. */
    private List<ConsumerRecord<String, String>> readAll(TopicPartition tp) {
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of());
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        List<ConsumerRecord<String, String>> records =
                BrokerFixture.pollUntilEnd(consumer, Map.of(tp, end), Duration.ofSeconds(60)).get(tp);
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        return records;
    }

    private static String tornValue(int index) {
        return "torn-" + index + "-" + "x".repeat(100);
    }

    record BatchLocation(long position, int sizeInBytes, long baseOffset, long lastOffset) {
    }

    /**
     * Walks the v2 record batches of a segment file by their headers (baseOffset int64, length int32,
     * partitionLeaderEpoch int32, magic int8, crc int32, attributes int16, lastOffsetDelta int32) and stops
     * at the first incomplete or non-v2 header, e.g. preallocated zeros.
     */
    private static List<BatchLocation> scanBatches(Path segment) throws IOException {
        List<BatchLocation> batches = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = channel.size();
            long position = 0;
            ByteBuffer header = ByteBuffer.allocate(27);
            while (position + header.capacity() <= size) {
                header.clear();
                while (header.hasRemaining()) {
                    if (channel.read(header, position + header.position()) < 0) {
                        return batches;
                    }
                }
                long baseOffset = header.getLong(0);
                int length = header.getInt(8);
                byte magic = header.get(16);
                int lastOffsetDelta = header.getInt(23);
                if (magic != 2 || length < 49 || position + 12 + length > size) {
                    break;
                }
                batches.add(new BatchLocation(position, 12 + length, baseOffset, baseOffset + lastOffsetDelta));
                position += 12 + length;
            }
        }
        return batches;
    }

    /**
     * Sends numbered records from its own thread until stopped, remembering the offset of every
     * acknowledged record. At most {@link #MAX_OUTSTANDING} sends are unresolved at a time, so memory stays
     * bounded while the broker is down. {@code acked} is written by the producer's I/O thread.
     */
    private static final class ContinuousSender {
        private static final int MAX_OUTSTANDING = 2_000;

        final Map<Integer, Long> acked = new ConcurrentHashMap<>();
        final AtomicInteger failed = new AtomicInteger();
        private final KafkaProducer<String, String> producer;
        private final String topic;
        private final Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
        private final Thread thread;
        private volatile boolean running = true;
        private volatile RuntimeException sendError;

        ContinuousSender(KafkaProducer<String, String> producer, String topic) {
            this.producer = producer;
            this.topic = topic;
            this.thread = new Thread(this::run, "continuous-sender");
            this.thread.setDaemon(true);
        }

        static String value(int index) {
            return "r-" + index + "-" + "p".repeat(50);
        }

        void start() {
            thread.start();
        }

        /** Throws what made send() itself fail (callback errors are expected while the broker is down). */
        boolean healthy() {
            if (sendError != null) {
                throw new AssertionError("send() threw", sendError);
            }
            return true;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(thread.isAlive()).as("sender thread stopped").isFalse();
        }

        private void run() {
            int index = 0;
            try {
                while (running) {
                    if (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    int sent = index++;
                    producer.send(new ProducerRecord<>(topic, value(sent)), (metadata, exception) -> {
                        if (exception == null) {
                            acked.put(sent, metadata.offset());
                        } else {
                            failed.incrementAndGet();
                        }
                        outstanding.release();
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                sendError = e;
            }
        }
    }
}
