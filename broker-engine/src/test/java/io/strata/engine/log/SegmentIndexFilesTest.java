package io.strata.engine.log;

import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.OffsetIndex;
import io.strata.engine.log.segment.TimeIndex;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static io.strata.engine.log.LogTestSupport.batches;
import static io.strata.engine.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

/** The segment indexes are memory-mapped files that hold no descriptor; what that means on disk and after a crash. */
class SegmentIndexFilesTest {
    private static final int INDEX_BYTES = 4096;
    private static final Map<String, String> CONFIG = Map.of("segment.bytes", "4096", "index.interval.bytes", "200",
            "segment.index.bytes", String.valueOf(INDEX_BYTES));

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

    private PartitionLog open() throws IOException {
        return LogTestSupport.open(dir, LogTestSupport.config(CONFIG), time);
    }

    private void append(int batches) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(batch(T0 + 10L * i, "r" + i, 5), 1);
        }
    }

    /** Descriptors of this JVM open on files of the log directory (Linux: /proc/self/fd). */
    private List<String> openFilesInLogDir() throws IOException {
        Path real = dir.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    return null; // closed since it was listed (the listing's own descriptor, for one)
                }
            }).filter(target -> target != null && target.startsWith(real))
                    .map(target -> target.getFileName().toString()).sorted().toList();
        }
    }

    private void assertEveryOffsetAndTimestampIsFound(int records) {
        for (long offset = 0; offset < records; offset += 7) {
            List<RecordBatch> read = batches(log.read(offset, 1, log.logEndOffset(), true));
            assertThat(read.get(0).baseOffset()).isLessThanOrEqualTo(offset);
            assertThat(read.get(0).lastOffset()).isGreaterThanOrEqualTo(offset);
        }
        for (int i = 0; i < records / 5; i += 3) {
            long first = 5L * i;
            assertThat(log.offsetForTimestamp(T0 + 10L * i)).get()
                    .satisfies(found -> assertThat(found.offset()).isEqualTo(first));
        }
    }

    @Test
    void aLogKeepsOneOpenFilePerSegmentWhileWritingAndAfterReopening() throws Exception {
        log = open();
        append(100);
        int segments = log.segmentCount();
        assertThat(segments).isGreaterThan(3);
        assertEveryOffsetAndTimestampIsFound(500);
        assertThat(openFilesInLogDir()).hasSize(segments).allMatch(name -> name.endsWith(LogFileNames.LOG_SUFFIX));

        log.close();
        log = open();
        assertEveryOffsetAndTimestampIsFound(500);
        append(1);
        assertThat(openFilesInLogDir()).hasSize(segments).allMatch(name -> name.endsWith(LogFileNames.LOG_SUFFIX));
    }

    @Test
    void rolledAndGracefullyClosedIndexesAreTrimmedToTheirEntries() throws Exception {
        log = open();
        append(100);
        List<LogSegment> all = log.segmentsSnapshot();
        for (LogSegment rolled : all.subList(0, all.size() - 1)) {
            assertTrimmed(rolled.baseOffset());
        }
        long active = all.get(all.size() - 1).baseOffset();
        assertThat(Files.size(LogFileNames.indexFile(dir, active)))
                .as("the active segment's index is extended to its capacity while written")
                .isGreaterThanOrEqualTo(INDEX_BYTES);

        log.close();
        log = null;
        assertTrimmed(active);
    }

    private void assertTrimmed(long base) throws IOException {
        long index = Files.size(LogFileNames.indexFile(dir, base));
        long timeIndex = Files.size(LogFileNames.timeIndexFile(dir, base));
        assertThat(index).isPositive().isLessThan(INDEX_BYTES / 4);
        assertThat(index % OffsetIndex.ENTRY_SIZE).isZero();
        assertThat(timeIndex).isPositive().isLessThan(INDEX_BYTES / 4);
        assertThat(timeIndex % TimeIndex.ENTRY_SIZE).isZero();
    }

    @Test
    void indexesLeftAtTheirCapacityByACrashAreRebuiltAndEveryRecordIsStillFound() throws Exception {
        log = open();
        append(100);
        long active = log.segmentsSnapshot().get(log.segmentCount() - 1).baseOffset();
        log.flush();
        log.closeWithoutFlush();
        assertThat(Files.size(LogFileNames.indexFile(dir, active))).isGreaterThanOrEqualTo(INDEX_BYTES);
        assertThat(Files.size(LogFileNames.timeIndexFile(dir, active))).isGreaterThanOrEqualTo(INDEX_BYTES);

        log = open();
        assertThat(log.logEndOffset()).isEqualTo(500);
        assertThat(readAll(log)).hasSize(500);
        assertEveryOffsetAndTimestampIsFound(500);
        append(20);
        assertThat(readAll(log)).hasSize(600);
    }

    @Test
    void truncatingIntoASealedSegmentMakesItWritableAgainAndKeepsItsIndexConsistent() throws Exception {
        log = open();
        append(100);
        List<LogSegment> all = log.segmentsSnapshot();
        long cut = all.get(1).baseOffset() + 3;
        log.truncateTo(cut);
        assertThat(log.logEndOffset()).isLessThanOrEqualTo(cut);
        long end = log.logEndOffset();
        append(30);
        assertThat(readAll(log)).hasSize((int) end + 150);
        log.close();
        log = open();
        assertThat(log.logEndOffset()).isEqualTo(end + 150);
        assertThat(readAll(log)).hasSize((int) end + 150);
        for (LogSegment segment : log.segmentsSnapshot()) {
            assertThat(Files.size(LogFileNames.indexFile(dir, segment.baseOffset())) % OffsetIndex.ENTRY_SIZE).isZero();
        }
    }
}
