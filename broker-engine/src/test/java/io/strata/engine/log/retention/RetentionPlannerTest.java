package io.strata.engine.log.retention;

import io.strata.engine.config.LogConfig;
import io.strata.engine.testing.ManualTime;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RetentionPlannerTest {
    private static final long HOUR = 3_600_000L;
    private final ManualTime time = new ManualTime(1_700_000_000_000L);

    /** Segments of 10 offsets and {@code size} bytes each, the i-th with largest timestamp {@code stamps[i]}. */
    private static List<SegmentInfo> segments(long size, long... stamps) {
        List<SegmentInfo> out = new ArrayList<>();
        for (int i = 0; i < stamps.length; i++) {
            out.add(new SegmentInfo(i * 10L, i * 10L + 10, size, stamps[i]));
        }
        return out;
    }

    private static LogConfig config(String... pairs) {
        Map<String, String> overrides = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            overrides.put(pairs[i], pairs[i + 1]);
        }
        return LogConfig.of(overrides);
    }

    private RetentionPlan plan(List<SegmentInfo> segments, long logStart, long hw, LogConfig config) {
        long end = segments.get(segments.size() - 1).nextOffset();
        return RetentionPlanner.plan(segments, logStart, end, hw, config, time.milliseconds());
    }

    @Test
    void segmentsOlderThanRetentionMsGoOldestFirstStoppingAtTheFirstYoungOne() {
        long now = time.milliseconds();
        List<SegmentInfo> log = segments(100, now - 5 * HOUR, now - 4 * HOUR, now - HOUR / 2, now - 3 * HOUR, now);
        RetentionPlan plan = plan(log, 0, 50, config("retention.ms", String.valueOf(2 * HOUR)));
        assertThat(plan).isEqualTo(new RetentionPlan(2, RetentionReason.RETENTION_MS));
    }

    @Test
    void aSegmentExactlyAtRetentionMsIsKept() {
        long now = time.milliseconds();
        List<SegmentInfo> log = segments(100, now - HOUR, now);
        assertThat(plan(log, 0, 20, config("retention.ms", String.valueOf(HOUR))).deletesAnything()).isFalse();
        time.advance(1);
        assertThat(plan(log, 0, 20, config("retention.ms", String.valueOf(HOUR))).segments()).isEqualTo(1);
    }

    @Test
    void unlimitedRetentionDeletesNothing() {
        List<SegmentInfo> log = segments(100, 0, 0, 0);
        assertThat(plan(log, 0, 30, config("retention.ms", "-1", "retention.bytes", "-1"))).isEqualTo(RetentionPlan.NOTHING);
    }

    @Test
    void retentionBytesDeletesOnlyWhatLeavesTheLogAtLeastThatLarge() {
        long now = time.milliseconds();
        List<SegmentInfo> log = segments(100, now, now, now, now, now); // 500 bytes
        assertThat(plan(log, 0, 50, config("retention.bytes", "250")))
                .isEqualTo(new RetentionPlan(2, RetentionReason.RETENTION_BYTES)); // 300 left; a third would leave 200
        assertThat(plan(log, 0, 50, config("retention.bytes", "300")).segments()).isEqualTo(2);
        assertThat(plan(log, 0, 50, config("retention.bytes", "500")).deletesAnything()).isFalse();
        assertThat(plan(log, 0, 50, config("retention.bytes", "0")).segments()).isEqualTo(5);
    }

    @Test
    void nothingAtOrAboveTheHighWatermarkIsDeleted() {
        List<SegmentInfo> log = segments(100, 0, 0, 0, 0);
        // The high watermark at 25 lies inside the third segment: only the first two are wholly below it.
        assertThat(plan(log, 0, 25, config("retention.ms", "1")).segments()).isEqualTo(2);
        assertThat(plan(log, 0, 20, config("retention.ms", "1")).segments()).isEqualTo(2);
        assertThat(plan(log, 0, 19, config("retention.ms", "1")).segments()).isEqualTo(1);
        assertThat(plan(log, 0, 40, config("retention.ms", "1")).segments()).isEqualTo(4);
    }

    @Test
    void theActiveSegmentQualifiesWhenWhollyExpiredButNeverWhenEmpty() {
        List<SegmentInfo> log = new ArrayList<>(segments(100, 0, 0));
        assertThat(plan(log, 0, 20, config("retention.ms", "1")).segments()).isEqualTo(2);
        log.add(new SegmentInfo(20, 20, 0, -1));
        assertThat(plan(log, 0, 20, config("retention.ms", "1")).segments()).isEqualTo(2);
    }

    @Test
    void segmentsWhollyBelowTheLogStartOffsetGoWhateverThePolicy() {
        long now = time.milliseconds();
        List<SegmentInfo> log = segments(100, now, now, now, now);
        for (String policy : List.of("delete", "compact", "")) {
            // Log start 25: segments [0,10) and [10,20) are wholly below it; [20,30) holds offset 25.
            assertThat(plan(log, 25, 40, config("cleanup.policy", policy)))
                    .as("policy '%s'", policy).isEqualTo(new RetentionPlan(2, RetentionReason.LOG_START_OFFSET));
        }
        // The active segment never goes for the log start alone.
        assertThat(plan(log, 40, 40, config()).segments()).isEqualTo(3);
    }

    @Test
    void anEmptyOrCompactOnlyPolicyIgnoresRetentionMsAndBytes() {
        List<SegmentInfo> log = segments(100, 0, 0, 0);
        for (String policy : List.of("", "compact")) {
            assertThat(plan(log, 0, 30, config("cleanup.policy", policy, "retention.ms", "1", "retention.bytes", "0")))
                    .as("policy '%s'", policy).isEqualTo(RetentionPlan.NOTHING);
        }
        assertThat(plan(log, 0, 30, config("cleanup.policy", "compact,delete", "retention.ms", "1")).segments())
                .isEqualTo(3);
    }

    @Test
    void theRuleReachingFurthestGivesThePlanAndItsReason() {
        long now = time.milliseconds();
        List<SegmentInfo> log = segments(100, 0, now, now, now);
        RetentionPlan plan = plan(log, 0, 40, config("retention.ms", "1000", "retention.bytes", "200"));
        assertThat(plan).isEqualTo(new RetentionPlan(2, RetentionReason.RETENTION_BYTES));
    }
}
