package io.strata.engine.log.cleaner;

import io.strata.engine.log.cleaner.SegmentGroups.SegmentInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentGroupsTest {

    @Test
    void aSegmentJoinsAGroupWhileTheBytesWrittenPlusItsSizeFitASegment() {
        SegmentInfo next = new SegmentInfo(100, 400, 200);

        assertThat(SegmentGroups.fits(0, 600, next, 1000)).isTrue();
        assertThat(SegmentGroups.fits(0, 601, next, 1000)).isFalse();
    }

    @Test
    void aGroupNeverSpansMoreOffsetsThanAnIndexEntryCanHold() {
        long base = 1000;
        SegmentInfo within = new SegmentInfo(5000, 10, base + Integer.MAX_VALUE + 1);
        SegmentInfo beyond = new SegmentInfo(5000, 10, base + Integer.MAX_VALUE + 2);

        assertThat(SegmentGroups.fits(base, 0, within, 1 << 30)).isTrue();
        assertThat(SegmentGroups.fits(base, 0, beyond, 1 << 30)).isFalse();
    }
}
