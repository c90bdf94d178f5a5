package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.LogTestSupport.Read;
import io.strata.engine.testing.ManualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static io.strata.engine.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

class LogHeadDeletionTest {
    private static final LogConfig SMALL = LogTestSupport.config(Map.of("segment.bytes", "1024"));

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);

    @Test
    void onlyWholeFlushedInactiveSegmentsBelowTheOffsetGoAndTheStartSurvivesReopening() throws Exception {
        long start;
        try (PartitionLog log = LogTestSupport.open(dir, SMALL, time)) {
            for (int i = 0; i < 40; i++) {
                log.appendAsLeader(batch(T0 + i, "r" + i, 5), 0);
            }
            int before = log.segmentCount();
            assertThat(before).isGreaterThan(3);

            int deleted = log.deleteSegmentsBelow(103); // inside some segment: that one stays

            assertThat(deleted).isPositive();
            assertThat(log.segmentCount()).isEqualTo(before - deleted);
            start = log.logStartOffset();
            assertThat(start).isPositive().isLessThanOrEqualTo(103);
            assertThat(readAll(log)).extracting(Read::offset).first().isEqualTo(start);
            assertThat(log.logEndOffset()).isEqualTo(200);

            int remaining = log.segmentCount();
            assertThat(log.deleteSegmentsBelow(Long.MAX_VALUE)).isEqualTo(remaining - 1);
            assertThat(log.segmentCount()).as("the active segment is never deleted").isEqualTo(1);
            start = log.logStartOffset();
        }
        try (PartitionLog reopened = LogTestSupport.open(dir, SMALL, time)) {
            assertThat(reopened.logStartOffset()).isEqualTo(start);
            assertThat(reopened.logEndOffset()).isEqualTo(200);
            assertThat(readAll(reopened)).extracting(Read::offset).first().isEqualTo(start);
        }
    }
}
