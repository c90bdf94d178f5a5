package io.strata.engine.it;

import io.strata.engine.cluster.Partition;
import io.strata.engine.config.LogManagerConfig;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.network.ZeroCopyHold;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Retention with real clients: old segments (by CreateTime timestamps or by size) leave the disk after
 * file.delete.delay.ms, the earliest offset advances, consumers below it reset as configured, and a fetch
 * holding a deleted segment still completes.
 */
class RetentionTest extends BrokerTestBase {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final long HOUR = 3_600_000L;

    private void start() {
        fixture = BrokerFixture.start(dataDir, Map.of(),
                c -> c.withLogManager(LogManagerConfig.defaults().withRetentionCheckIntervalMs(200)));
    }

    @AfterEach
    void releaseHold() {
        ZeroCopyHold.release();
    }

    private static Map<String, String> small(String... pairs) {
        Map<String, String> configs = new java.util.HashMap<>(Map.of("segment.bytes", "1024",
                "file.delete.delay.ms", "100", "retention.ms", String.valueOf(HOUR)));
        for (int i = 0; i < pairs.length; i += 2) {
            configs.put(pairs[i], pairs[i + 1]);
        }
        return configs;
    }

    private void produce(String topic, int count, long timestamp) throws Exception {
        KafkaProducer<String, String> producer = fixture.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.BATCH_SIZE_CONFIG, 200));
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(producer.send(new ProducerRecord<>(topic, 0, timestamp, "k" + i, "value-" + i)));
        }
        for (java.util.concurrent.Future<?> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    private long earliest(Admin admin, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
    }

    private List<String> files(String topic, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(fixture.partitionDir(topic, 0))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    private PartitionLog log(String topic) {
        Partition p = fixture.broker().replicaManager().partition(new TopicPartition(topic, 0)).orElseThrow();
        return p.log();
    }

    @Test
    void expiredSegmentsLeaveTheDiskAndConsumersBelowTheNewStartResetAsConfigured() throws Exception {
        start();
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "timed", 1, small());
        long now = System.currentTimeMillis();
        produce("timed", 200, now - 2 * HOUR);
        produce("timed", 50, now);

        await().atMost(SETTLE).untilAsserted(() -> {
            assertThat(earliest(admin, "timed")).isPositive();
            assertThat(files("timed", ".deleted")).isEmpty();
        });
        long start = earliest(admin, "timed");
        assertThat(start).as("the young records stay").isLessThanOrEqualTo(200);
        assertThat(fixture.segmentFiles("timed", 0)).allSatisfy(f -> assertThat(BrokerFixture.baseOffset(f))
                .isGreaterThanOrEqualTo(start));
        assertThat(BrokerFixture.baseOffset(fixture.segmentFiles("timed", 0).get(0))).isEqualTo(start);

        TopicPartition tp = new TopicPartition("timed", 0);
        KafkaConsumer<String, String> resetting = fixture.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        resetting.assign(List.of(tp));
        List<ConsumerRecord<String, String>> read = BrokerFixture.readFrom(resetting, tp, 0, 1, SETTLE);
        assertThat(read.get(0).offset()).isEqualTo(start);

        KafkaConsumer<String, String> strict = fixture.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"));
        strict.assign(List.of(tp));
        strict.seek(tp, 0);
        assertThatThrownBy(() -> {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (System.nanoTime() < deadline) {
                strict.poll(Duration.ofMillis(200));
            }
        }).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void retentionBytesDropsTheOldestSegmentsButKeepsAtLeastThatMuch() throws Exception {
        start();
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "sized", 1, small("retention.bytes", "4096", "retention.ms", "-1"));
        produce("sized", 400, System.currentTimeMillis());
        PartitionLog log = log("sized");
        await().atMost(SETTLE).untilAsserted(() -> {
            assertThat(earliest(admin, "sized")).isPositive();
            long first = Files.size(fixture.segmentFiles("sized", 0).get(0));
            assertThat(log.sizeInBytes()).isGreaterThanOrEqualTo(4096);
            assertThat(log.sizeInBytes() - first).as("without the oldest segment").isLessThan(4096);
        });
    }

    @Test
    void anEmptyPolicyKeepsEverythingAndCompactAloneIsNotDeletedByRetention() throws Exception {
        start();
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "kept", 1, small("cleanup.policy", "", "retention.ms", "1", "retention.bytes", "0"));
        fixture.createTopic(admin, "compacted", 1, small("cleanup.policy", "compact", "retention.ms", "1"));
        fixture.createTopic(admin, "witness", 1, small("retention.ms", "1"));
        long old = System.currentTimeMillis() - HOUR;
        produce("kept", 100, old);
        produce("compacted", 100, old);
        produce("witness", 100, old);
        int keptSegments = fixture.segmentFiles("kept", 0).size();
        int compactedSegments = fixture.segmentFiles("compacted", 0).size();
        // Once retention has emptied the witness (its active segment rolled and went too), it has passed the others.
        await().atMost(SETTLE).untilAsserted(() -> assertThat(earliest(admin, "witness")).isEqualTo(100));
        await().atMost(SETTLE).untilAsserted(() -> assertThat(files("witness", ".deleted")).isEmpty());
        assertThat(earliest(admin, "kept")).isZero();
        assertThat(earliest(admin, "compacted")).isZero();
        assertThat(fixture.segmentFiles("kept", 0)).hasSize(keptSegments);
        assertThat(fixture.segmentFiles("compacted", 0)).hasSize(compactedSegments);
    }

    @Test
    void aWhollyExpiredActiveSegmentRollsAndGoesWithoutNewAppends() throws Exception {
        start();
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "idle", 1, Map.of("retention.ms", String.valueOf(HOUR), "file.delete.delay.ms", "100"));
        produce("idle", 20, System.currentTimeMillis() - 2 * HOUR);
        await().atMost(SETTLE).untilAsserted(() -> {
            assertThat(earliest(admin, "idle")).isEqualTo(20);
            assertThat(fixture.segmentFiles("idle", 0)).extracting(BrokerFixture::baseOffset).containsExactly(20L);
            assertThat(files("idle", ".deleted")).isEmpty();
        });
        produce("idle", 1, System.currentTimeMillis());
        TopicPartition tp = new TopicPartition("idle", 0);
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of());
        consumer.assign(List.of(tp));
        assertThat(BrokerFixture.readFrom(consumer, tp, 20, 1, SETTLE).get(0).offset()).isEqualTo(20);
    }

    @Test
    void aFetchHoldingADeletedSegmentCompletesAndTheFilesGoOnlyAfterwards() throws Exception {
        start();
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "held", 1, small("retention.ms", "-1", "file.delete.delay.ms", "200"));
        produce("held", 150, System.currentTimeMillis());
        TopicPartition tp = new TopicPartition("held", 0);
        String firstSegment = fixture.segmentFiles("held", 0).get(0).getFileName().toString();

        ZeroCopyHold.hold();
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5));
        consumer.assign(List.of(tp));
        consumer.seek(tp, 0);
        CompletableFuture<List<ConsumerRecord<String, String>>> polled = CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    return records.records(tp);
                }
            }
            return List.of();
        });
        await().atMost(SETTLE).until(() -> ZeroCopyHold.parkedCount() >= 1);

        long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(100))).lowWatermarks()
                .get(tp).get(30, TimeUnit.SECONDS).lowWatermark();
        assertThat(lowWatermark).isEqualTo(100);
        PartitionLog log = log("held");
        // Retention deletes the segments below the new start; after file.delete.delay.ms the log lets go of them.
        await().atMost(SETTLE).untilAsserted(() -> {
            assertThat(fixture.segmentFiles("held", 0).get(0).getFileName().toString()).isNotEqualTo(firstSegment);
            assertThat(log.segmentDeletion().pendingCount()).isZero();
        });
        assertThat(files("held", ".deleted")).as("still held by the unsent response").contains(firstSegment + ".deleted");

        ZeroCopyHold.release();
        List<ConsumerRecord<String, String>> records = polled.get(30, TimeUnit.SECONDS);
        assertThat(records).isNotEmpty();
        assertThat(records.get(0).offset()).isZero();
        assertThat(records.get(0).value()).isEqualTo("value-0");
        await().atMost(SETTLE).untilAsserted(() -> assertThat(files("held", ".deleted")).isEmpty());
    }
}
