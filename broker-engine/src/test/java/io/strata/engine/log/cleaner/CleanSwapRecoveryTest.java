package io.strata.engine.log.cleaner;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.LogTestSupport;
import io.strata.engine.log.LogTestSupport.Read;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.testing.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.strata.engine.log.cleaner.CleanerTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A crash in the middle of a clean: the log loader recovers to the old segments or the new ones. */
class CleanSwapRecoveryTest {
    private static final LogConfig CONFIG = LogTestSupport.config(Map.of("cleanup.policy", "compact",
            "segment.bytes", "4096", "min.cleanable.dirty.ratio", "0.01"));

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

    private void fill() {
        for (int i = 0; i < 1000; i++) {
            append(log, time, "k" + (i % 37), "value-" + i);
        }
    }

    private List<String> files(String suffix) throws Exception {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    private void crashIn(CleanerCrashHook.Phase phase) throws Exception {
        Cleaner cleaner = cleaner(1 << 20, time, (tp, reached) -> {
            if (reached == phase) {
                throw new CleanerCrashHook.SimulatedCrash("crash at " + reached);
            }
        });
        CleanerManager manager = new CleanerManager(time);
        CleanableLog target = manager.grabFilthiestLog(List.of(log)).orElseThrow();
        assertThatThrownBy(() -> cleaner.clean(target, () -> false)).isInstanceOf(CleanerCrashHook.SimulatedCrash.class);
    }

    @Test
    void aCrashBeforeTheSwapLeavesTheOldSegments() throws Exception {
        log = LogTestSupport.open(dir, CONFIG, time);
        fill();
        List<Read> before = LogTestSupport.readAll(log);
        List<String> segmentsBefore = files(".log");

        crashIn(CleanerCrashHook.Phase.CLEANED_WRITTEN);
        assertThat(files(".cleaned")).isNotEmpty();
        log = reopen(log, dir, CONFIG, time, true);

        assertThat(files(".cleaned")).isEmpty();
        assertThat(files(".log")).isEqualTo(segmentsBefore);
        assertThat(LogTestSupport.readAll(log)).isEqualTo(before);
    }

    @Test
    void aCrashAfterTheSwapIsCommittedInstallsTheCleanedSegment() throws Exception {
        log = LogTestSupport.open(dir, CONFIG, time);
        fill();
        List<Read> before = LogTestSupport.readAll(log);
        List<Long> bases = log.segmentsSnapshot().stream().map(LogSegment::baseOffset).toList();

        crashIn(CleanerCrashHook.Phase.SWAP_RENAMED);
        assertThat(files(".swap")).isNotEmpty();
        log = reopen(log, dir, CONFIG, time, true);

        assertThat(files(".swap")).isEmpty();
        List<Read> after = LogTestSupport.readAll(log);
        assertStrictlyIncreasing(after);
        assertThat(latest(after)).isEqualTo(latest(before));
        // The first group is fully cleaned and ends exactly where a later original segment begins; the rest is
        // untouched.
        long groupEnd = log.segmentsSnapshot().get(0).nextOffset();
        assertThat(bases).contains(groupEnd);
        assertThat(groupEnd).isGreaterThan(bases.get(0));
        assertThat(after.stream().filter(r -> r.offset() < groupEnd).map(Read::key)).doesNotHaveDuplicates();
        assertThat(after.stream().filter(r -> r.offset() >= groupEnd).toList())
                .isEqualTo(before.stream().filter(r -> r.offset() >= groupEnd).toList());

        cleanUntilDone(new CleanerManager(time), cleaner(1 << 20, time), log);
        assertThat(latest(LogTestSupport.readAll(log))).isEqualTo(latest(before));
    }

    @Test
    void aCleanedLogAndItsCleanerCheckpointSurviveAGracefulRestart() throws Exception {
        log = LogTestSupport.open(dir, CONFIG, time);
        fill();
        cleanUntilDone(new CleanerManager(time), cleaner(1 << 20, time), log);
        List<Read> cleaned = LogTestSupport.readAll(log);

        log = reopen(log, dir, CONFIG, time, false);

        assertThat(LogTestSupport.readAll(log)).isEqualTo(cleaned);
        long activeBase = log.segmentsSnapshot().get(log.segmentCount() - 1).baseOffset();
        assertThat(CleanerCheckpoint.read(dir)).hasValue(activeBase);
    }
}
