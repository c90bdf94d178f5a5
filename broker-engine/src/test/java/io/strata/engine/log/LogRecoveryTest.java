package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.CheckpointFile;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.segment.FillAhead;
import io.strata.engine.log.segment.OffsetAndEpoch;
import io.strata.engine.log.segment.OffsetIndex;
import io.strata.engine.log.segment.SegmentScanner;
import io.strata.engine.testing.ManualTime;
import io.strata.engine.log.LogTestSupport.Read;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static io.strata.engine.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

class LogRecoveryTest {
    private static final LogConfig SMALL_SEGMENTS = LogTestSupport.config(Map.of("segment.bytes", "2048",
            "index.interval.bytes", "256"));

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);

    /** Appends batches of 10 records; record {@code o} of a filled log has timestamp {@link #ts}(o). */
    private static void fill(PartitionLog log, int batches) {
        long first = log.logEndOffset() / 10;
        for (long i = first; i < first + batches; i++) {
            log.appendAsLeader(batch(T0 + 100L * i, "v" + i, 10), 2);
        }
    }

    private static long ts(long offset) {
        return T0 + 100L * (offset / 10) + offset % 10;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> LogFileNames.parseOffset(p.getFileName().toString(), ".log").isPresent())
                    .sorted().toList();
        }
    }

    /** Positions of the batches in a segment file, from their headers. */
    private static List<long[]> batchPositions(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SegmentScanner scanner = new SegmentScanner(channel, 0, channel.size());
            return Stream.iterate(scanner.next(), java.util.Objects::nonNull, h -> {
                try {
                    return scanner.next();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(h -> new long[] {h.position(), h.sizeInBytes(), h.baseOffset()}).toList();
        }
    }

    private static void assertContiguous(List<Read> records, long end) {
        assertThat(records).extracting(Read::offset).containsExactlyElementsOf(LongStream.range(0, end).boxed().toList());
    }

    @Test
    void tornLastBatchIsCutAndAppendsContinueWithoutAGap() throws Exception {
        PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        fill(log, 10);
        log.closeWithoutFlush();

        Path segment = segmentFiles().get(0);
        List<long[]> batches = batchPositions(segment);
        long[] last = batches.get(batches.size() - 1);
        assertThat(last[2]).isEqualTo(90);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(last[0] + last[1] / 2);
        }

        log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        try {
            assertThat(log.logEndOffset()).isEqualTo(90);
            assertThat(Files.size(segment)).isEqualTo(last[0]);
            LogAppendResult next = log.appendAsLeader(batch(T0, "after", 5), 3);
            assertThat(next.firstOffset()).isEqualTo(90);
            List<Read> all = readAll(log);
            assertContiguous(all, 95);
            assertThat(all.get(89).value()).isEqualTo("v8-9");
            assertThat(all.get(90).value()).isEqualTo("after-0");
            assertThat(log.leaderEpochCache().entries()).containsExactly(
                    new LeaderEpochCache.EpochEntry(2, 0), new LeaderEpochCache.EpochEntry(3, 90));
        } finally {
            log.close();
        }
    }

    @Test
    void garbageAfterTheLastBatchIsRemoved() throws Exception {
        PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        fill(log, 5);
        log.closeWithoutFlush();
        Path segment = segmentFiles().get(0);
        long validSize = Files.size(segment);
        byte[] garbage = new byte[300];
        new Random(42).nextBytes(garbage);
        Files.write(segment, garbage, StandardOpenOption.APPEND);

        log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        try {
            assertThat(log.logEndOffset()).isEqualTo(50);
            assertThat(Files.size(segment)).isEqualTo(validSize);
            assertThat(log.appendAsLeader(batch(T0, "next", 1), 2).firstOffset()).isEqualTo(50);
            assertContiguous(readAll(log), 51);
        } finally {
            log.close();
        }
    }

    @Test
    void aCorruptBatchInAnEarlierSegmentCutsTheLogThereAndDropsLaterSegments() throws Exception {
        PartitionLog log = LogTestSupport.open(dir, SMALL_SEGMENTS, time);
        fill(log, 40);
        log.closeWithoutFlush(); // no recovery point was checkpointed: everything is validated
        List<Path> segments = segmentFiles();
        assertThat(segments.size()).isGreaterThan(3);
        Path second = segments.get(1);
        long[] victim = batchPositions(second).get(2);
        try (FileChannel channel = FileChannel.open(second, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0x5a, 0x5a}), victim[0] + victim[1] - 3); // inside the records
        }

        log = LogTestSupport.open(dir, SMALL_SEGMENTS, time);
        try {
            assertThat(log.logEndOffset()).isEqualTo(victim[2]);
            assertThat(segmentFiles()).containsExactly(segments.get(0), second);
            assertContiguous(readAll(log), victim[2]);
            assertThat(log.appendAsLeader(batch(T0, "fresh", 2), 2).firstOffset()).isEqualTo(victim[2]);
        } finally {
            log.close();
        }
    }

    @Test
    void cleanCloseKeepsEverythingAndTheHighWatermark() throws Exception {
        PartitionLog log = LogTestSupport.open(dir, SMALL_SEGMENTS, time);
        fill(log, 30);
        log.updateHighWatermark(250);
        long segments = log.segmentCount();
        assertThat(log.closeGracefully()).hasValue(300);
        assertThat(log.closeGracefully()).as("already closed").isEmpty();

        log = PartitionLog.open(dir, LogTestSupport.TP, LogTestSupport.TOPIC_ID, SMALL_SEGMENTS, time, null, FillAhead.OFF,
                OptionalLong.of(300), new FlushStats());
        try {
            assertThat(log.logEndOffset()).isEqualTo(300);
            assertThat(log.highWatermark()).isEqualTo(250);
            assertThat(log.flushedOffset()).isEqualTo(300);
            assertThat(log.segmentCount()).isEqualTo(segments);
            assertContiguous(readAll(log), 300);
            assertThat(log.offsetForTimestamp(ts(170))).contains(new OffsetAndEpoch(170, ts(170), 2));
            assertThat(log.offsetForTimestamp(ts(170) - 50)).contains(new OffsetAndEpoch(170, ts(170), 2));
            assertThat(log.appendAsLeader(batch(T0, "more", 1), 2).firstOffset()).isEqualTo(300);
        } finally {
            log.close();
        }
    }

    @Test
    void zerosFilledAheadOfTheActiveSegmentAreCutAfterACrashAndNothingWrittenIsLost() throws Exception {
        ExecutorService filler = Executors.newSingleThreadExecutor();
        try {
            PartitionLog log = openFilledAhead(filler);
            Path segment = segmentFiles().get(0);
            long dataEnd = lastBatchEnd(segment);
            assertThat(Files.size(segment)).as("zeros ahead of the data").isGreaterThan(dataEnd);
            log.closeWithoutFlush();

            log = LogTestSupport.open(dir, LogConfig.defaults(), time);
            try {
                assertThat(log.logEndOffset()).isEqualTo(300);
                assertContiguous(readAll(log), 300);
                assertThat(Files.size(segment)).as("recovery cut the zeros").isEqualTo(dataEnd);
                assertThat(log.appendAsLeader(batch(T0, "more", 1), 2).firstOffset()).isEqualTo(300);
            } finally {
                log.close();
            }
        } finally {
            filler.shutdown();
        }
    }

    @Test
    void aCleanCloseTrimsTheZerosFilledAheadSoTheSegmentEndsAtItsLastBatch() throws Exception {
        ExecutorService filler = Executors.newSingleThreadExecutor();
        try {
            PartitionLog log = openFilledAhead(filler);
            Path segment = segmentFiles().get(0);
            assertThat(Files.size(segment)).isGreaterThan(lastBatchEnd(segment));
            assertThat(log.closeGracefully()).hasValue(300);
            assertThat(Files.size(segment)).isEqualTo(lastBatchEnd(segment));

            log = PartitionLog.open(dir, LogTestSupport.TP, LogTestSupport.TOPIC_ID, LogConfig.defaults(), time, null,
                    FillAhead.OFF, OptionalLong.of(300), new FlushStats());
            try {
                assertThat(log.logEndOffset()).isEqualTo(300);
                assertContiguous(readAll(log), 300);
            } finally {
                log.close();
            }
        } finally {
            filler.shutdown();
        }
    }

    /** A log zero-filled ahead from its first byte, holding 300 records, with the fills scheduled so far done. */
    private PartitionLog openFilledAhead(ExecutorService filler) throws Exception {
        PartitionLog log = PartitionLog.open(dir, LogTestSupport.TP, LogTestSupport.TOPIC_ID, LogConfig.defaults(), time,
                null, new FillAhead(filler, 1024 * 1024, 1), OptionalLong.empty(), new FlushStats());
        fill(log, 30);
        filler.submit(() -> { }).get();
        return log;
    }

    /** Where the last whole batch of a segment file ends (its zeros or garbage after that aside). */
    private static long lastBatchEnd(Path file) throws IOException {
        long end = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(12);
            while (end + 12 <= channel.size()) {
                channel.read(header.clear(), end);
                int length = header.getInt(8);
                if (length == 0) {
                    break;
                }
                end += 12 + length;
            }
        }
        return end;
    }

    @Test
    void checkpointedHighWatermarkSurvivesACrash() throws Exception {
        PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        fill(log, 3);
        log.updateHighWatermark(30);
        log.checkpoint();
        assertThat(CheckpointFile.readOffset(dir.resolve(LogFileNames.HIGH_WATERMARK_CHECKPOINT)))
                .isEqualTo(OptionalLong.of(30));
        fill(log, 1);
        log.updateHighWatermark(40);
        log.closeWithoutFlush();

        log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        try {
            assertThat(log.logEndOffset()).isEqualTo(40);
            assertThat(log.highWatermark()).as("the last checkpoint, not the lost update").isEqualTo(30);
        } finally {
            log.close();
        }
    }

    @Test
    void missingAndCorruptIndexesAreRebuilt() throws Exception {
        PartitionLog log = LogTestSupport.open(dir, SMALL_SEGMENTS, time);
        fill(log, 30);
        log.close();
        List<Path> segments = segmentFiles();
        long base = LogFileNames.parseOffset(segments.get(1).getFileName().toString(), ".log").orElseThrow();
        Path index = LogFileNames.indexFile(dir, base);
        long indexSize = Files.size(index);
        assertThat(indexSize).isPositive();
        Files.delete(index);
        Files.delete(LogFileNames.timeIndexFile(dir, base));
        Path otherIndex = LogFileNames.indexFile(dir, 0);
        Files.write(otherIndex, new byte[] {1, 2, 3}, StandardOpenOption.APPEND); // not a whole entry

        log = LogTestSupport.open(dir, SMALL_SEGMENTS, time);
        try {
            assertThat(Files.size(index)).isEqualTo(indexSize);
            assertThat(Files.size(otherIndex) % OffsetIndex.ENTRY_SIZE).isZero();
            assertContiguous(readAll(log, 0, 512), 300);
            assertThat(log.offsetForTimestamp(ts(base + 13))).contains(new OffsetAndEpoch(base + 13, ts(base + 13), 2));
            assertThat(log.offsetForTimestamp(ts(base + 10) - 50))
                    .contains(new OffsetAndEpoch(base + 10, ts(base + 10), 2));
        } finally {
            log.close();
        }
    }

    @Test
    void recoveryPointLimitsValidationToTheTail() throws Exception {
        PartitionLog log = LogTestSupport.open(dir, SMALL_SEGMENTS, time);
        fill(log, 30);
        log.checkpoint();
        assertThat(CheckpointFile.readOffset(dir.resolve(LogFileNames.RECOVERY_POINT_CHECKPOINT)))
                .as("every segment was fsynced").isEqualTo(OptionalLong.of(300));
        log.closeWithoutFlush();
        // A flipped byte in the first segment's records is below the recovery point: trusted, not scanned.
        Path first = segmentFiles().get(0);
        try (FileChannel channel = FileChannel.open(first, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0x7f}), 100);
        }
        log = LogTestSupport.open(dir, SMALL_SEGMENTS, time);
        try {
            assertThat(log.logEndOffset()).isEqualTo(300);
        } finally {
            log.close();
        }
    }
}
