package io.strata.engine.it;

import io.strata.engine.config.LogManagerConfig;
import io.strata.engine.log.cleaner.CleanerCrashHook;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Compaction with real clients, in the style of Kafka's LogCompactionTester: many overwrites and tombstones
 * over a fixed key space, small segments and a low dirty ratio; after cleaning, a consumer reading from the
 * start sees exactly the latest value of every key (tombstones included until their delete horizon).
 */
class LogCompactionTest extends BrokerTestBase {
    private static final Duration CLEANED_WITHIN = Duration.ofSeconds(60);

    private final AtomicBoolean cleanerEnabled = new AtomicBoolean(true);

    private void startBroker(long dedupeBufferBytes) {
        fixture = BrokerFixture.start(dataDir, Map.of(), c -> c.withLogManager(new LogManagerConfig(300_000,
                cleanerEnabled.get(), 1, dedupeBufferBytes, 512 * 1024, Double.MAX_VALUE, 100,
                LogManagerConfig.DEFAULT_ZERO_FILL_AHEAD_BYTES)));
    }

    private void createCompactedTopic(String topic, Map<String, String> extra) throws Exception {
        Map<String, String> configs = new HashMap<>(Map.of("cleanup.policy", "compact", "segment.bytes", "150000",
                "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "3600000"));
        configs.putAll(extra);
        fixture.createTopic(fixture.admin(), topic, 1, configs);
    }

    /** Sends {@code records} records over {@code keys} keys, ~10% tombstones; returns key -> latest value (null: deleted). */
    private Map<String, String> produce(String topic, int records, int keys, long seed) throws Exception {
        return produce(topic, "key-", records, keys, seed);
    }

    private Map<String, String> produce(String topic, String keyPrefix, int records, int keys, long seed)
            throws Exception {
        KafkaProducer<String, String> producer = fixture.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
        Random random = new Random(seed);
        Map<String, String> latest = new HashMap<>();
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < records; i++) {
            String key = keyPrefix + random.nextInt(keys);
            String value = random.nextInt(10) == 0 ? null : "value-" + seed + "-" + i;
            latest.put(key, value);
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
                if (e != null) {
                    failures.incrementAndGet();
                }
            });
        }
        producer.flush();
        assertThat(failures).hasValue(0);
        return latest;
    }

    private long cleanerCheckpoint(String topic) throws Exception {
        Path file = fixture.partitionDir(topic, 0).resolve("cleaner-offset-checkpoint");
        if (!Files.exists(file)) {
            return -1;
        }
        List<String> lines = Files.readAllLines(file);
        return lines.size() == 3 ? Long.parseLong(lines.get(2).trim()) : -1;
    }

    private long activeSegmentBase(String topic) throws Exception {
        List<Path> segments = fixture.segmentFiles(topic, 0);
        return BrokerFixture.baseOffset(segments.get(segments.size() - 1));
    }

    /** Waits until everything below the active segment is clean; returns the cleaner checkpoint. */
    private long awaitCleaned(String topic, long beyond) {
        AtomicReference<Long> checkpoint = new AtomicReference<>();
        await().atMost(CLEANED_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
            long cp = cleanerCheckpoint(topic);
            checkpoint.set(cp);
            return cp > beyond && cp == activeSegmentBase(topic);
        });
        return checkpoint.get();
    }

    private List<ConsumerRecord<String, String>> readAll(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        return BrokerFixture.readAll(fixture.consumer(Map.of()), List.of(tp), Duration.ofSeconds(60)).get(tp);
    }

    /**
     * Offsets strictly increase; each key's last record holds its latest value (a tombstone for a deleted key
     * while {@code tombstonesVisible}, else no record of it at all); each key appears at most once below the
     * cleaner checkpoint.
     */
    private static void assertCompacted(List<ConsumerRecord<String, String>> read, Map<String, String> expected,
                                        long checkpoint, boolean tombstonesVisible) {
        Map<String, String> seen = new HashMap<>();
        Set<String> belowCheckpoint = new HashSet<>();
        long previous = -1;
        for (ConsumerRecord<String, String> r : read) {
            assertThat(r.offset()).isGreaterThan(previous);
            previous = r.offset();
            seen.put(r.key(), r.value());
            if (r.offset() < checkpoint) {
                assertThat(belowCheckpoint.add(r.key())).as("key %s twice below the checkpoint", r.key()).isTrue();
            }
        }
        Map<String, String> want = new HashMap<>(expected);
        if (!tombstonesVisible) {
            want.values().removeIf(v -> v == null);
        }
        assertThat(seen).isEqualTo(want);
    }

    @Test
    void aCompactedTopicKeepsTheLatestValueOfEveryKeyAndEveryTombstoneBeforeItsHorizon() throws Exception {
        startBroker(8L * 1024 * 1024);
        createCompactedTopic("compacted", Map.of());

        Map<String, String> expected = produce("compacted", 200_000, 5_000, 1);
        long checkpoint = awaitCleaned("compacted", 0);

        List<ConsumerRecord<String, String>> read = readAll("compacted");
        assertCompacted(read, expected, checkpoint, true);
        assertThat(read.size()).as("compacted").isLessThan(50_000);
        assertThat(expected.values()).contains((String) null); // tombstones were part of it
    }

    @Test
    void tombstonesPastTheirDeleteHorizonAreRemovedByALaterClean() throws Exception {
        startBroker(8L * 1024 * 1024);
        createCompactedTopic("deletes", Map.of("delete.retention.ms", "100"));

        Map<String, String> expected = produce("deletes", "key-", 50_000, 2_000, 2);
        long first = awaitCleaned("deletes", 0);
        // More dirty data on other keys, so later cleans run: the first stamps a horizon on the tombstones that were
        // still in the active segment during the clean above, the second finds every horizon passed.
        Map<String, String> more = new HashMap<>();
        long second = first;
        for (int round = 3; round <= 4; round++) {
            Thread.sleep(150); // past every delete horizon stamped so far (not an assertion: the state is awaited)
            more.putAll(produce("deletes", "round" + round + "-", 50_000, 2_000, round));
            second = awaitCleaned("deletes", second);
        }

        Map<String, String> seen = new HashMap<>();
        readAll("deletes").forEach(r -> seen.put(r.key(), r.value()));
        Set<String> deleted = new HashSet<>();
        expected.forEach((k, v) -> {
            if (v == null) {
                deleted.add(k);
            }
        });
        assertThat(deleted).isNotEmpty();
        assertThat(seen.keySet()).as("no deleted key remains").doesNotContainAnyElementsOf(deleted);
        Map<String, String> live = new HashMap<>(expected);
        live.putAll(more);
        live.values().removeIf(v -> v == null);
        seen.values().removeIf(v -> v == null); // tombstones of the second round may still be within their horizon
        assertThat(seen).isEqualTo(live);
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void aDedupeBufferTooSmallForAllKeysCleansInSeveralPassesExactly() throws Exception {
        startBroker(24 * 1_000); // 900 keys per pass, for 3000 keys
        createCompactedTopic("passes", Map.of("segment.bytes", "100000"));
        KafkaProducer<String, String> small = fixture.producer(Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 4096));
        small.send(new ProducerRecord<>("passes", "warm-up", "x")).get(10, TimeUnit.SECONDS);

        Map<String, String> expected = new HashMap<>(Map.of("warm-up", "x"));
        Random random = new Random(4);
        for (int i = 0; i < 60_000; i++) {
            String key = "key-" + random.nextInt(3_000);
            String value = random.nextInt(10) == 0 ? null : "v" + i;
            expected.put(key, value);
            small.send(new ProducerRecord<>("passes", key, value));
        }
        small.flush();
        long checkpoint = awaitCleaned("passes", 0);

        assertCompacted(readAll("passes"), expected, checkpoint, true);
    }

    @ParameterizedTest
    @EnumSource(CleanerCrashHook.Phase.class)
    void aBrokerKilledInTheMiddleOfACleanRecoversToOldOrCleanedSegments(CleanerCrashHook.Phase phase) throws Exception {
        startBroker(8L * 1024 * 1024);
        CountDownLatch crashed = new CountDownLatch(1);
        fixture.broker().logCleaner().setCrashHook((tp, reached) -> {
            if (tp.topic().equals("crash") && reached == phase) {
                crashed.countDown();
                throw new CleanerCrashHook.SimulatedCrash("killed at " + reached);
            }
        });
        createCompactedTopic("crash", Map.of());
        Map<String, String> expected = produce("crash", 60_000, 2_000, 5);
        assertThat(crashed.await(60, TimeUnit.SECONDS)).isTrue();
        Map<String, Long> beforeCrash = fileSizes("crash");

        fixture.halt();
        cleanerEnabled.set(false); // look at what recovery alone left
        fixture.restart();

        Map<String, Long> recovered = fileSizes("crash");
        assertThat(recovered.keySet()).noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap"));
        String firstSegment = "00000000000000000000.log";
        if (phase == CleanerCrashHook.Phase.CLEANED_WRITTEN) {
            assertThat(recovered.get(firstSegment)).as("fully old").isEqualTo(beforeCrash.get(firstSegment));
        } else {
            // Exactly the committed swap, in place of every segment of its group. How many segments the group
            // holds and how much smaller the swap is depends on how far the producer had got when the clean
            // began (a group of two can be bigger than its first segment alone), so only the group's total
            // bounds it.
            assertThat(beforeCrash).containsKey(firstSegment + ".swap");
            long groupBytes = beforeCrash.entrySet().stream()
                    .filter(e -> e.getKey().endsWith(".log"))
                    .filter(e -> e.getKey().equals(firstSegment) || !recovered.containsKey(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
            assertThat(recovered.get(firstSegment)).as("the cleaned group replaced its segments")
                    .isEqualTo(beforeCrash.get(firstSegment + ".swap"))
                    .isLessThan(groupBytes);
        }
        assertThat(latestValues(readAll("crash"))).isEqualTo(expected);

        fixture.closeBroker();
        cleanerEnabled.set(true);
        fixture.restart();
        long checkpoint = awaitCleaned("crash", 0);
        assertCompacted(readAll("crash"), expected, checkpoint, true);
    }

    @Test
    void aRetryOfAnIdempotentProducersLastBatchIsStillDeduplicatedAfterCleaningAndARestart() throws Exception {
        startBroker(8L * 1024 * 1024);
        createCompactedTopic("idem", Map.of("segment.bytes", "4096"));
        TopicPartition tp = new TopicPartition("idem", 0);
        long pid;
        short epoch;
        long lastBase = -1;
        try (RawProducer raw = new RawProducer(fixture.bootstrapServers())) {
            InitProducerIdResponseData ids = raw.initProducerId();
            pid = ids.producerId();
            epoch = ids.producerEpoch();
            for (int seq = 0; seq < 50; seq += 5) {
                ProduceResponseData.PartitionProduceResponse response = raw.produce(tp, idempotentBatch(pid, epoch, seq));
                assertThat(response.errorCode()).isZero();
                lastBase = response.baseOffset();
            }
            // The same keys overwritten by a plain producer: the idempotent batches end up cleaned and empty.
            KafkaProducer<String, String> plain = fixture.producer(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                    ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.BATCH_SIZE_CONFIG, 512));
            for (int i = 0; i < 2_000; i++) {
                plain.send(new ProducerRecord<>("idem", "k" + (i % 5), "plain-" + i));
            }
            plain.flush();
            awaitCleaned("idem", lastBase + 5);
            assertThat(readAll("idem")).noneMatch(r -> r.value().startsWith("idem-"));

            ProduceResponseData.PartitionProduceResponse retry = raw.produce(tp, idempotentBatch(pid, epoch, 45));
            assertThat(retry.errorCode()).isZero();
            assertThat(retry.baseOffset()).as("deduplicated").isEqualTo(lastBase);
        }

        fixture.closeBroker();
        try (Stream<Path> files = Files.list(fixture.partitionDir("idem", 0))) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".snapshot")).toList()) {
                Files.delete(f); // producer state must come back from the cleaned log itself
            }
        }
        fixture.restart();
        try (RawProducer raw = new RawProducer(fixture.bootstrapServers())) {
            ProduceResponseData.PartitionProduceResponse retry = raw.produce(tp, idempotentBatch(pid, epoch, 45));
            assertThat(retry.errorCode()).isZero();
            assertThat(retry.baseOffset()).as("deduplicated after a restart").isEqualTo(lastBase);
            ProduceResponseData.PartitionProduceResponse next = raw.produce(tp, idempotentBatch(pid, epoch, 50));
            assertThat(next.errorCode()).isZero();
            assertThat(next.baseOffset()).isGreaterThan(lastBase);
        }
    }

    private static MemoryRecords idempotentBatch(long pid, short epoch, int baseSequence) {
        SimpleRecord[] records = new SimpleRecord[5];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("idem-" + (baseSequence + i)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, pid, epoch, baseSequence, records);
    }

    private static Map<String, String> latestValues(List<ConsumerRecord<String, String>> read) {
        Map<String, String> out = new HashMap<>();
        long previous = -1;
        for (ConsumerRecord<String, String> r : read) {
            assertThat(r.offset()).isGreaterThan(previous);
            previous = r.offset();
            out.put(r.key(), r.value());
        }
        return out;
    }

    private Map<String, Long> fileSizes(String topic) throws Exception {
        Map<String, Long> sizes = new HashMap<>();
        try (Stream<Path> files = Files.list(fixture.partitionDir(topic, 0))) {
            for (Path p : files.toList()) {
                sizes.put(p.getFileName().toString(), Files.size(p));
            }
        }
        return sizes;
    }
}
