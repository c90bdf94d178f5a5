package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.retention.RetentionPlan;
import io.strata.engine.log.retention.RetentionReason;
import io.strata.engine.log.segment.FileSlice;
import io.strata.engine.log.segment.FillAhead;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.TOPIC_ID;
import static io.strata.engine.log.LogTestSupport.TP;
import static io.strata.engine.log.LogTestSupport.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retention, the log start offset and safe segment deletion on a real log, with a manual clock. */
class PartitionLogRetentionTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);
    private PartitionLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private static LogConfig config(String... pairs) {
        Map<String, String> overrides = new HashMap<>(Map.of("segment.bytes", "1024"));
        for (int i = 0; i < pairs.length; i += 2) {
            overrides.put(pairs[i], pairs[i + 1]);
        }
        return LogConfig.of(overrides);
    }

    /** Appends batches of 10 records stamped {@code ts} until the log has {@code segments} segments, all committed. */
    private void fill(long ts, int segments) {
        while (log.segmentCount() < segments) {
            log.appendAsLeader(batch(ts, "v", 10), 0);
        }
        log.updateHighWatermark(log.logEndOffset());
    }

    private List<String> files(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void expiredSegmentsAreDeletedAndTheLogStartMovesToTheFirstKeptSegment() throws IOException {
        log = LogTestSupport.open(dir, config("retention.ms", String.valueOf(HOUR)), time);
        fill(T0 - 3 * HOUR, 3);
        long firstYoungBase = log.logEndOffset();
        fill(T0, 5);
        RetentionPlan plan = log.deleteOldSegments(time.milliseconds());
        assertThat(plan.reason()).isEqualTo(RetentionReason.RETENTION_MS);
        // The third segment is the active one of the old batches when the young ones started: it holds both.
        assertThat(log.logStartOffset()).isGreaterThan(0).isLessThanOrEqualTo(firstYoungBase);
        assertThat(files(".log")).hasSize(log.segmentCount());
        assertThat(files(".deleted")).isEmpty(); // no delay and no reader: gone at once
        assertThatThrownBy(() -> log.read(0, 1 << 20, log.logEndOffset(), true))
                .isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(LogTestSupport.readAll(log).get(0).offset()).isEqualTo(log.logStartOffset());
    }

    @Test
    void aWhollyExpiredActiveSegmentRollsAndGoesButNotAboveTheHighWatermark() throws IOException {
        log = LogTestSupport.open(dir, config("retention.ms", String.valueOf(HOUR)), time);
        log.appendAsLeader(batch(T0 - 2 * HOUR, "v", 10), 0);
        assertThat(log.deleteOldSegments(time.milliseconds()).deletesAnything())
                .as("uncommitted data stays").isFalse();
        log.updateHighWatermark(log.logEndOffset());
        RetentionPlan plan = log.deleteOldSegments(time.milliseconds());
        assertThat(plan.segments()).isEqualTo(1);
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(10).isEqualTo(log.logEndOffset());
        assertThat(log.appendAsLeader(batch(T0, "new", 1), 0).firstOffset()).isEqualTo(10);
        assertThat(log.deleteOldSegments(time.milliseconds()).deletesAnything()).isFalse();
    }

    @Test
    void retentionBytesKeepsTheLogAtLeastThatLarge() throws IOException {
        log = LogTestSupport.open(dir, config("retention.bytes", "3000", "retention.ms", "-1"), time);
        fill(T0, 8);
        long before = log.sizeInBytes();
        RetentionPlan plan = log.deleteOldSegments(time.milliseconds());
        assertThat(plan.reason()).isEqualTo(RetentionReason.RETENTION_BYTES);
        assertThat(log.sizeInBytes()).isLessThan(before).isGreaterThanOrEqualTo(3000);
        assertThat(log.sizeInBytes() - 1024).as("one more segment would have gone below").isLessThan(3000);
    }

    @Test
    void anEmptyOrCompactOnlyPolicyKeepsOldSegments() throws IOException {
        for (String policy : List.of("", "compact")) {
            log = LogTestSupport.open(dir.resolve(policy.isEmpty() ? "none" : policy),
                    config("cleanup.policy", policy, "retention.ms", "1", "retention.bytes", "0"), time);
            fill(T0 - HOUR, 4);
            assertThat(log.deleteOldSegments(time.milliseconds()).deletesAnything()).as(policy).isFalse();
            log.close();
            log = null;
        }
    }

    @Test
    void theLogStartOffsetMovesInsideASegmentNeverBackwardsNorAboveTheHighWatermark() throws IOException {
        log = LogTestSupport.open(dir, config(), time);
        fill(T0, 3);
        long hw = log.highWatermark();
        assertThat(log.maybeIncrementLogStartOffset(15, LogStartOffsetReason.CLIENT_RECORD_DELETION)).isTrue();
        assertThat(log.maybeIncrementLogStartOffset(12, LogStartOffsetReason.CLIENT_RECORD_DELETION)).isFalse();
        assertThat(log.logStartOffset()).isEqualTo(15);
        assertThatThrownBy(() -> log.maybeIncrementLogStartOffset(hw + 1, LogStartOffsetReason.CLIENT_RECORD_DELETION))
                .isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(14, 1 << 20, hw, true)).isInstanceOf(OffsetOutOfRangeException.class);
        // The batch holding 15 is returned whole, as Kafka does; the reader skips what lies below.
        assertThat(LogTestSupport.readAll(log).get(0).offset()).isEqualTo(15);
        assertThat(files(".log")).hasSize(3); // segments go only at the next retention pass

        long secondBase = log.logEndOffset();
        fill(T0, 4);
        log.maybeIncrementLogStartOffset(secondBase + 5, LogStartOffsetReason.CLIENT_RECORD_DELETION);
        RetentionPlan plan = log.deleteOldSegments(time.milliseconds());
        assertThat(plan.reason()).isEqualTo(RetentionReason.LOG_START_OFFSET);
        assertThat(log.logStartOffset()).isEqualTo(secondBase + 5);
    }

    @Test
    void theLogStartOffsetSurvivesACleanCloseAndACrash() throws IOException {
        log = LogTestSupport.open(dir, config(), time);
        fill(T0, 3);
        log.maybeIncrementLogStartOffset(17, LogStartOffsetReason.CLIENT_RECORD_DELETION);
        log.close();
        log = LogTestSupport.open(dir, config(), time);
        assertThat(log.logStartOffset()).isEqualTo(17);
        log.updateHighWatermark(log.logEndOffset());
        log.maybeIncrementLogStartOffset(23, LogStartOffsetReason.CLIENT_RECORD_DELETION);
        log.closeWithoutFlush();
        log = LogTestSupport.open(dir, config(), time);
        assertThat(log.logStartOffset()).isEqualTo(23);
        assertThat(log.highWatermark()).isGreaterThanOrEqualTo(23);
    }

    @Test
    void aReaderHoldingADeletedSegmentKeepsItsFilesUntilItReleasesThem() throws IOException {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            log = PartitionLog.open(dir, TP, TOPIC_ID, config("retention.ms", String.valueOf(HOUR),
                    "file.delete.delay.ms", "0"), time, scheduler, FillAhead.OFF, OptionalLong.empty(), new FlushStats());
            fill(T0 - 2 * HOUR, 2);
            fill(T0, 3);
            FileSlice held = (FileSlice) log.read(0, 1 << 20, log.highWatermark(), true).records();
            assertThat(log.deleteOldSegments(time.milliseconds()).deletesAnything()).isTrue();
            assertThat(files(".log.deleted")).as("renamed, still held by the reader").hasSize(1);
            for (RecordBatch b : held.toMemoryRecords().batches()) {
                assertThat(b.isValid()).isTrue(); // the channel is still open
            }
            held.release();
            held.release(); // idempotent
            assertThat(files(".deleted")).isEmpty();
        } finally {
            log.close();
            log = null;
            scheduler.shutdownNow();
        }
    }

    @Test
    void deletedSegmentFilesWaitForTheDeleteDelayAndLeftoversGoAtTheNextLoad() throws IOException {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            log = PartitionLog.open(dir, TP, TOPIC_ID, config("retention.ms", String.valueOf(HOUR),
                    "file.delete.delay.ms", "3600000"), time, scheduler, FillAhead.OFF, OptionalLong.empty(), new FlushStats());
            fill(T0 - 2 * HOUR, 2);
            fill(T0, 3);
            log.deleteOldSegments(time.milliseconds());
            assertThat(files(".log.deleted")).hasSize(1);
            assertThat(files(".index.deleted")).hasSize(1);
            assertThat(log.segmentDeletion().pendingCount()).isEqualTo(1);
            log.close();
            log = LogTestSupport.open(dir, config(), time);
            assertThat(files(".deleted")).isEmpty();
            assertThat(log.logStartOffset()).isPositive();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
