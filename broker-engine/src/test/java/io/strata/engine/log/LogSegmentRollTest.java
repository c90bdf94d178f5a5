package io.strata.engine.log;

import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.testing.ManualTime;
import io.strata.engine.log.LogTestSupport.Read;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static io.strata.engine.log.LogTestSupport.batches;
import static io.strata.engine.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

class LogSegmentRollTest {
    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);
    private PartitionLog log;

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    private static List<Long> segmentBases(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> LogFileNames.parseOffset(p.getFileName().toString(), ".log"))
                    .filter(OptionalLong::isPresent).map(OptionalLong::getAsLong).sorted().toList();
        }
    }

    @Test
    void rollsBySizeAndOldSegmentsStayReadableAtAnyOffset() throws Exception {
        log = LogTestSupport.open(dir, LogTestSupport.config(Map.of("segment.bytes", "2048",
                "index.interval.bytes", "200")), time);
        // 100 batches of 5 records, ~250-300 bytes each, half of them lz4.
        for (int i = 0; i < 100; i++) {
            Compression c = i % 2 == 0 ? Compression.NONE : Compression.lz4().build();
            log.appendAsLeader(batch(c, T0 + 10L * i, "s" + i, 5), 1);
        }
        List<Long> bases = segmentBases(dir);
        assertThat(bases.size()).isGreaterThan(5);
        assertThat(bases.get(0)).isZero();
        assertThat(log.segmentCount()).isEqualTo(bases.size());
        for (Long base : bases.subList(0, bases.size() - 1)) {
            Path file = LogFileNames.logFile(dir, base);
            assertThat(Files.size(file)).isPositive().isLessThanOrEqualTo(2048);
            assertThat(LogFileNames.indexFile(dir, base)).exists();
            assertThat(LogFileNames.timeIndexFile(dir, base)).exists();
        }
        assertThat(readAll(log)).hasSize(500);

        // An offset inside an old segment that is neither a batch base nor the segment's first offset.
        long second = bases.get(1);
        long third = bases.get(2);
        long target = second + 5 + 2;
        assertThat(target).isLessThan(third);
        LogReadResult mid = log.read(target, 1 << 20, log.logEndOffset(), false);
        List<RecordBatch> midBatches = batches(mid);
        assertThat(midBatches.get(0).baseOffset()).isEqualTo(second + 5);
        assertThat(midBatches.get(midBatches.size() - 1).lastOffset())
                .as("a read stops at the segment boundary").isEqualTo(third - 1);
        assertThat(mid.nextOffset()).isEqualTo(third);

        // Exactly at boundaries: the last offset of segment N, then the first of N+1.
        for (int i = 1; i < bases.size(); i++) {
            long base = bases.get(i);
            LogReadResult last = log.read(base - 1, 1 << 20, log.logEndOffset(), false);
            assertThat(batches(last)).hasSize(1);
            assertThat(batches(last).get(0).lastOffset()).isEqualTo(base - 1);
            assertThat(last.nextOffset()).isEqualTo(base);
            LogReadResult first = log.read(base, 1 << 20, log.logEndOffset(), false);
            assertThat(batches(first).get(0).baseOffset()).isEqualTo(base);
        }

        // Reading through from an odd offset yields every later record exactly once, in order.
        List<Read> tail = readAll(log, 123, 700);
        assertThat(tail).extracting(Read::offset).containsExactlyElementsOf(
                java.util.stream.LongStream.range(123, 500).boxed().toList());
        assertThat(tail.get(0).value()).isEqualTo("s24-3");
    }

    @Test
    void rollsWhenTheSegmentIsOlderThanSegmentMs() throws Exception {
        log = LogTestSupport.open(dir, LogTestSupport.config(Map.of("segment.ms", "60000")), time);
        log.appendAsLeader(batch(T0, "a", 3), 0);
        time.advance(30_000);
        log.appendAsLeader(batch(T0, "b", 3), 0);
        assertThat(segmentBases(dir)).containsExactly(0L);
        time.advance(30_001);
        log.appendAsLeader(batch(T0, "c", 3), 0);
        assertThat(segmentBases(dir)).containsExactly(0L, 6L);
        time.advance(59_000);
        log.appendAsLeader(batch(T0, "d", 3), 0);
        assertThat(segmentBases(dir)).containsExactly(0L, 6L);
        assertThat(readAll(log)).extracting(Read::value).containsExactly(
                "a-0", "a-1", "a-2", "b-0", "b-1", "b-2", "c-0", "c-1", "c-2", "d-0", "d-1", "d-2");
    }

    @Test
    void rollsWhenTheIndexIsFull() throws Exception {
        // 24 bytes of index: 3 offset entries or 2 time entries; an entry for every batch after the first.
        log = LogTestSupport.open(dir, LogTestSupport.config(Map.of("segment.index.bytes", "24",
                "index.interval.bytes", "0")), time);
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(batch(T0 + i, "x" + i, 1), 0);
        }
        assertThat(segmentBases(dir).size()).isGreaterThan(2);
        assertThat(readAll(log)).hasSize(10);
    }

    @Test
    void aBatchLargerThanTheSegmentSizeGetsASegmentOfItsOwn() throws Exception {
        log = LogTestSupport.open(dir, LogTestSupport.config(Map.of("segment.bytes", "1024")), time);
        log.appendAsLeader(batch(T0, "small", 1), 0);
        log.appendAsLeader(batch(T0, "x".repeat(100), 20), 0);
        log.appendAsLeader(batch(T0, "after", 1), 0);
        assertThat(segmentBases(dir)).containsExactly(0L, 1L, 21L);
        assertThat(readAll(log)).hasSize(22);
    }
}
