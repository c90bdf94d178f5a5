package io.strata.engine.log.cleaner;

import io.strata.engine.log.cleaner.SegmentGroups.SegmentInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentGroupsTest {

    @Test
    void consecutiveSegmentsAreGroupedWhileTheirTotalSizeFitsASegment() {
        List<SegmentInfo> segments = List.of(new SegmentInfo(0, 400, 10), new SegmentInfo(10, 500, 20),
                new SegmentInfo(20, 200, 30), new SegmentInfo(30, 1000, 40), new SegmentInfo(40, 1, 41));

        List<List<SegmentInfo>> groups = SegmentGroups.group(segments, Function.identity(), 1000);

        assertThat(groups).extracting(g -> g.stream().map(SegmentInfo::baseOffset).toList())
                .containsExactly(List.of(0L, 10L), List.of(20L), List.of(30L), List.of(40L));
    }

    @Test
    void aGroupNeverSpansMoreOffsetsThanAnIndexEntryCanHold() {
        long far = (long) Integer.MAX_VALUE + 10;
        List<SegmentInfo> segments = List.of(new SegmentInfo(0, 10, 5), new SegmentInfo(5, 10, 100),
                new SegmentInfo(far, 10, far + 5));

        List<List<SegmentInfo>> groups = SegmentGroups.group(segments, Function.identity(), 1 << 30);

        assertThat(groups).extracting(List::size).containsExactly(2, 1);
    }
}
