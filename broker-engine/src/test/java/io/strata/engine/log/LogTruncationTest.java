package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.segment.OffsetAndEpoch;
import io.strata.engine.testing.ManualTime;
import io.strata.engine.log.LogTestSupport.Read;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.LongStream;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static io.strata.engine.log.LogTestSupport.idempotent;
import static io.strata.engine.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

class LogTruncationTest {
    private static final LogConfig SMALL = LogTestSupport.config(Map.of("segment.bytes", "1024",
            "index.interval.bytes", "128"));

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);

    @Test
    void truncationRemovesLaterSegmentsAndRewindsEveryPieceOfState() throws Exception {
        try (PartitionLog log = LogTestSupport.open(dir, SMALL, time)) {
            for (int i = 0; i < 40; i++) {
                log.appendAsLeader(idempotent(7L, (short) 0, 5 * i, T0 + 100L * i, "t" + i, 5), i < 20 ? 1 : 2);
            }
            log.updateHighWatermark(200);
            int segmentsBefore = log.segmentCount();
            assertThat(segmentsBefore).isGreaterThan(4);

            log.truncateTo(52); // inside the batch 50..54: that batch goes too
            assertThat(log.logEndOffset()).isEqualTo(50);
            assertThat(log.highWatermark()).isEqualTo(50);
            assertThat(log.flushedOffset()).isEqualTo(50);
            assertThat(log.segmentCount()).isLessThan(segmentsBefore);
            assertThat(readAll(log)).extracting(Read::offset)
                    .containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
            assertThat(log.leaderEpochCache().entries()).containsExactly(new LeaderEpochCache.EpochEntry(1, 0));
            assertThat(log.offsetForTimestamp(T0 + 1000)).isEmpty();
            assertThat(log.offsetOfMaxTimestamp()).contains(new OffsetAndEpoch(49, T0 + 904, 1));
            assertThat(log.producerState().producer(7L).orElseThrow().lastSequence()).isEqualTo(49);
            try (var files = Files.list(dir)) {
                assertThat(files.map(f -> LogFileNames.parseOffset(f.getFileName().toString(), ".log"))
                        .filter(java.util.OptionalLong::isPresent).map(java.util.OptionalLong::getAsLong))
                        .as("no segment starts after the new end").allSatisfy(base -> assertThat(base).isLessThanOrEqualTo(50));
            }

            // The producer continues right after what survived.
            LogAppendResult next = log.appendAsLeader(idempotent(7L, (short) 0, 50, T0, "again", 5), 3);
            assertThat(next.firstOffset()).isEqualTo(50);
            assertThat(next.duplicate()).isFalse();
        }
        try (PartitionLog reopened = LogTestSupport.open(dir, SMALL, time)) {
            assertThat(reopened.logEndOffset()).isEqualTo(55);
            assertThat(readAll(reopened)).hasSize(55);
        }
    }

    @Test
    void truncatingAtTheLogEndDropsAnEpochStartedThereWithoutRecords() throws Exception {
        try (PartitionLog log = LogTestSupport.open(dir, SMALL, time)) {
            log.appendAsLeader(batch(T0, "a", 5), 0);
            log.startLeaderEpoch(1); // led epoch 1 briefly and appended nothing

            log.truncateTo(5); // the next leader says epoch 0 ends at 5

            assertThat(log.logEndOffset()).isEqualTo(5);
            assertThat(log.leaderEpochCache().entries()).containsExactly(new LeaderEpochCache.EpochEntry(0, 0));
            assertThat(log.leaderEpochCache().latestEpoch()).hasValue(0);
        }
    }

    @Test
    void truncatingBelowTheLogStartRestartsTheLogThere() throws Exception {
        try (PartitionLog log = LogTestSupport.open(dir, SMALL, time)) {
            log.appendAsLeader(batch(T0, "a", 5), 0);
            log.truncateTo(0);
            assertThat(log.logEndOffset()).isZero();
            assertThat(readAll(log)).isEmpty();
            assertThat(log.appendAsLeader(batch(T0, "b", 2), 0).firstOffset()).isZero();
        }
    }

    @Test
    void preallocatedSegmentsAreTrimmedOnRollAndRecoveredAfterACrash() throws Exception {
        LogConfig preallocated = LogTestSupport.config(Map.of("segment.bytes", "4096", "preallocate", "true"));
        PartitionLog log = LogTestSupport.open(dir, preallocated, time);
        for (int i = 0; i < 80; i++) {
            log.appendAsLeader(batch(T0, "p" + i, 5), 0);
        }
        assertThat(log.segmentCount()).isGreaterThan(1);
        assertThat(Files.size(LogFileNames.logFile(dir, 0))).isLessThan(4096);
        log.closeWithoutFlush();
        try (PartitionLog reopened = LogTestSupport.open(dir, preallocated, time)) {
            assertThat(reopened.logEndOffset()).isEqualTo(400);
            assertThat(readAll(reopened)).hasSize(400);
            assertThat(reopened.appendAsLeader(batch(T0, "q", 1), 0).firstOffset()).isEqualTo(400);
        }
    }
}
