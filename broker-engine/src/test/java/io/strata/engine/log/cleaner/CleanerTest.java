package io.strata.engine.log.cleaner;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.LogTestSupport;
import io.strata.engine.log.LogTestSupport.Read;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.testing.ManualTime;
import io.strata.engine.log.segment.FileSlice;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.strata.engine.log.cleaner.CleanerTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

class CleanerTest {
    private static final LogConfig CONFIG = LogTestSupport.config(Map.of("cleanup.policy", "compact",
            "segment.bytes", "4096", "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "1000"));

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(LogTestSupport.T0);
    private PartitionLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    /** Writes random overwrites and tombstones; returns the expected latest value per key (null: deleted). */
    private Map<String, String> writeRandom(int records, int keys, long seed) {
        Random random = new Random(seed);
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < records; i += 5) {
            String[] kv = new String[10];
            for (int j = 0; j < 5; j++) {
                String key = "key-" + random.nextInt(keys);
                String value = random.nextInt(10) == 0 ? null : "value-" + (i + j);
                kv[2 * j] = key;
                kv[2 * j + 1] = value;
                expected.put(key, value);
            }
            append(log, time, kv);
        }
        return expected;
    }

    @Test
    void aCleanKeepsTheLatestRecordOfEachKeyAtItsOriginalOffset() throws Exception {
        log = LogTestSupport.open(dir, CONFIG, time);
        Map<String, String> expected = writeRandom(3000, 200, 1);
        List<Read> before = LogTestSupport.readAll(log);
        CleanerManager manager = new CleanerManager(time);

        int passes = cleanUntilDone(manager, cleaner(1 << 20, time), log);

        List<Read> after = LogTestSupport.readAll(log);
        assertThat(passes).isEqualTo(1);
        assertThat(after.size()).isLessThan(before.size() / 3);
        assertStrictlyIncreasing(after);
        assertThat(latest(after)).isEqualTo(latest(before)).isEqualTo(expected);
        assertThat(after).allSatisfy(r -> assertThat(before).contains(r)); // same offsets, keys, values
        long activeBase = log.segmentsSnapshot().get(log.segmentCount() - 1).baseOffset();
        assertThat(after.stream().filter(r -> r.offset() < activeBase).map(Read::key))
                .as("each key at most once in the cleaned section").doesNotHaveDuplicates();
        assertThat(log.logStartOffset()).isZero();
    }

    @Test
    void anOffsetMapTooSmallForAllKeysCleansInSeveralPassesWithTheSameResult() throws Exception {
        log = LogTestSupport.open(dir, CONFIG, time);
        Map<String, String> expected = writeRandom(3000, 400, 2);
        CleanerManager manager = new CleanerManager(time);

        int passes = cleanUntilDone(manager, cleaner(100 * OffsetMap.SLOT_SIZE, time), log); // 90 keys per pass

        List<Read> after = LogTestSupport.readAll(log);
        assertThat(passes).isGreaterThan(3);
        assertStrictlyIncreasing(after);
        assertThat(latest(after)).isEqualTo(expected);
        long activeBase = log.segmentsSnapshot().get(log.segmentCount() - 1).baseOffset();
        assertThat(after.stream().filter(r -> r.offset() < activeBase).map(Read::key)).doesNotHaveDuplicates();
    }

    @Test
    void aTombstoneSurvivesTheFirstCleanAndGoesInACleanAfterItsDeleteHorizon() throws Exception {
        log = LogTestSupport.open(dir, CONFIG, time);
        append(log, time, "a", "1", "b", "1");
        append(log, time, "a", null);
        writeFiller(0);
        CleanerManager manager = new CleanerManager(time);
        cleanUntilDone(manager, cleaner(1 << 20, time), log);
        assertThat(LogTestSupport.readAll(log)).filteredOn(r -> r.key().equals("a"))
                .extracting(Read::value).containsExactly((String) null);

        time.advance(1001); // past delete.retention.ms
        writeFiller(1); // new dirty data, so a later clean runs
        cleanUntilDone(manager, cleaner(1 << 20, time), log);

        List<Read> after = LogTestSupport.readAll(log);
        assertThat(after).extracting(Read::key).doesNotContain("a").contains("b");
    }

    @Test
    void aProducersLastBatchIsKeptEvenWhenCleaningEmptiesIt() throws Exception {
        log = LogTestSupport.open(dir, CONFIG, time);
        long pid = 4242;
        log.appendAsLeader(LogTestSupport.idempotent(pid, (short) 0, 0, time.milliseconds(), "idem", 3), 0);
        long lastOffset = log.logEndOffset() - 1;
        writeFiller(0); // same keys k0..k2 overwritten, segments rolled
        log.updateHighWatermark(log.logEndOffset());
        cleanUntilDone(new CleanerManager(time), cleaner(1 << 20, time), log);

        List<RecordBatch> batches = LogTestSupport.batches(log.read(0, 1 << 20, log.logEndOffset(), true));
        RecordBatch first = batches.get(0);
        assertThat(first.producerId()).isEqualTo(pid);
        assertThat(first.lastOffset()).isEqualTo(lastOffset);
        assertThat(first.baseSequence()).isZero();
        assertThat(first.lastSequence()).isEqualTo(2);
        assertThat(first.iterator().hasNext()).as("emptied").isFalse();
    }

    @Test
    void anAbortedTransactionStaysIndexedInTheCleanedSegment() throws Exception {
        log = LogTestSupport.open(dir, CONFIG, time);
        long pid = 77;
        log.appendAsLeader(org.apache.kafka.common.record.internal.MemoryRecords.withTransactionalRecords(
                org.apache.kafka.common.compress.Compression.NONE, pid, (short) 0, 0,
                LogTestSupport.records(time.milliseconds(), "aborted", 2)), 0); // 0-1
        log.appendAsLeader(org.apache.kafka.common.record.internal.MemoryRecords.withEndTransactionMarker(
                time.milliseconds(), pid, (short) 0, new org.apache.kafka.common.record.internal.EndTransactionMarker(
                        org.apache.kafka.common.record.internal.ControlRecordType.ABORT, 0)), 0,
                io.strata.engine.log.validation.AppendOrigin.COORDINATOR); // 2
        writeFiller(0);
        writeFiller(1);
        log.updateHighWatermark(log.logEndOffset());
        io.strata.engine.log.segment.AbortedTxn aborted = new io.strata.engine.log.segment.AbortedTxn(pid, 0, 2, 3);
        long firstBase = log.segmentsSnapshot().get(0).baseOffset();

        assertThat(cleanUntilDone(new CleanerManager(time), cleaner(1 << 20, time), log)).isPositive();
        assertThat(log.segmentsSnapshot().get(0).baseOffset()).isEqualTo(firstBase);
        assertThat(log.abortedTransactions(0, log.logEndOffset())).containsExactly(aborted);
        log.close();
        log = LogTestSupport.open(dir, CONFIG, time);
        assertThat(log.abortedTransactions(0, log.logEndOffset())).containsExactly(aborted);
    }

    @Test
    void aCleanOfSegmentsThatLeftTheLogMeanwhileIsAbandoned() throws Exception {
        log = LogTestSupport.open(dir, CONFIG, time);
        writeRandom(2000, 50, 3);
        CleanerManager manager = new CleanerManager(time);
        CleanableLog target = manager.grabFilthiestLog(List.of(log)).orElseThrow();
        // e.g. a follower restarting at its leader's offset, while the first group is being written
        Cleaner cleaner = cleaner(1 << 20, time, (tp, phase) -> {
            if (phase == CleanerCrashHook.Phase.CLEANED_WRITTEN) {
                log.truncateFullyAndStartAt(log.logEndOffset());
            }
        });

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cleaner.clean(target, () -> false))
                .isInstanceOf(Cleaner.Aborted.class);
        assertThat(log.logStartOffset()).isEqualTo(log.logEndOffset());
        assertThat(java.nio.file.Files.list(dir).map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap"));
    }

    @Test
    void aFollowerReplicatesACleanedLogOffsetGapsIncluded() throws Exception {
        log = LogTestSupport.open(dir.resolve("leader"), CONFIG, time);
        writeRandom(3000, 100, 5);
        cleanUntilDone(new CleanerManager(time), cleaner(1 << 20, time), log);
        List<Read> leader = LogTestSupport.readAll(log);
        assertThat(leader.size()).isLessThan(1000);

        try (PartitionLog follower = LogTestSupport.open(dir.resolve("follower"), CONFIG, time)) {
            while (follower.logEndOffset() < log.logEndOffset()) {
                var read = log.read(follower.logEndOffset(), 8192, log.logEndOffset(), true);
                MemoryRecords records = read.records() instanceof FileSlice slice ? slice.toMemoryRecords()
                        : (MemoryRecords) read.records();
                assertThat(follower.appendAsFollower(records)).isPositive();
            }
            assertThat(LogTestSupport.readAll(follower)).isEqualTo(leader);
        }
    }

    /** Rolls a few segments of keys k0..k19 overwritten. */
    private void writeFiller(int round) {
        for (int i = 0; i < 100; i++) {
            append(log, time, "k" + (i % 20), "filler-" + round + "-" + i);
        }
    }
}
