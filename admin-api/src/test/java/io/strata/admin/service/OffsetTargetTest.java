package io.strata.admin.service;

import io.strata.admin.error.RestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetTargetTest {
    private static final long EARLIEST = 10;
    private static final long LATEST = 50;

    @Test
    void earliestAndLatestAreTheLogsEnds() {
        assertThat(target(OffsetTarget.Strategy.EARLIEST).resolve(30L, EARLIEST, LATEST, null)).isEqualTo(EARLIEST);
        assertThat(target(OffsetTarget.Strategy.LATEST).resolve(30L, EARLIEST, LATEST, null)).isEqualTo(LATEST);
    }

    @Test
    void aTimestampWithoutRecordsThatRecentMovesToTheEnd() {
        OffsetTarget target = new OffsetTarget(OffsetTarget.Strategy.TIMESTAMP, 1_000L, null, null);
        assertThat(target.resolve(30L, EARLIEST, LATEST, 42L)).isEqualTo(42);
        assertThat(target.resolve(30L, EARLIEST, LATEST, null)).isEqualTo(LATEST);
    }

    @Test
    void explicitOffsetsAreClampedIntoTheLog() {
        assertThat(new OffsetTarget(OffsetTarget.Strategy.OFFSET, null, 20L, null).resolve(null, EARLIEST, LATEST, null))
                .isEqualTo(20);
        assertThat(new OffsetTarget(OffsetTarget.Strategy.OFFSET, null, 0L, null).resolve(null, EARLIEST, LATEST, null))
                .isEqualTo(EARLIEST);
        assertThat(new OffsetTarget(OffsetTarget.Strategy.OFFSET, null, 900L, null).resolve(null, EARLIEST, LATEST, null))
                .isEqualTo(LATEST);
    }

    @Test
    void aShiftStartsFromTheCommittedOffsetAndStaysInTheLog() {
        assertThat(shift(-5).resolve(30L, EARLIEST, LATEST, null)).isEqualTo(25);
        assertThat(shift(5).resolve(30L, EARLIEST, LATEST, null)).isEqualTo(35);
        assertThat(shift(-100).resolve(30L, EARLIEST, LATEST, null)).isEqualTo(EARLIEST);
        assertThat(shift(Long.MAX_VALUE).resolve(30L, EARLIEST, LATEST, null)).isEqualTo(LATEST);
        assertThat(shift(Long.MIN_VALUE).resolve(30L, EARLIEST, LATEST, null)).isEqualTo(EARLIEST);
        assertThat(shift(3).resolve(null, EARLIEST, LATEST, null)).as("no committed offset: from the start")
                .isEqualTo(EARLIEST + 3);
    }

    @Test
    void aStrategyWithoutItsValueOrAnUnknownStrategyIsABadRequest() {
        assertThatThrownBy(() -> new OffsetTarget(OffsetTarget.Strategy.OFFSET, null, null, null))
                .isInstanceOf(RestException.class).hasMessageContaining("offset");
        assertThatThrownBy(() -> new OffsetTarget(OffsetTarget.Strategy.SHIFT_BY, null, null, null))
                .isInstanceOf(RestException.class).hasMessageContaining("shift_by");
        assertThatThrownBy(() -> new OffsetTarget(OffsetTarget.Strategy.TIMESTAMP, null, null, null))
                .isInstanceOf(RestException.class).hasMessageContaining("timestamp");
        assertThatThrownBy(() -> new OffsetTarget(null, null, null, null)).isInstanceOf(RestException.class);
        assertThatThrownBy(() -> OffsetTarget.strategy("sideways")).isInstanceOf(RestException.class)
                .hasMessageContaining("sideways");
        assertThat(OffsetTarget.strategy("shift_by")).isEqualTo(OffsetTarget.Strategy.SHIFT_BY);
    }

    private static OffsetTarget target(OffsetTarget.Strategy strategy) {
        return new OffsetTarget(strategy, null, null, null);
    }

    private static OffsetTarget shift(long by) {
        return new OffsetTarget(OffsetTarget.Strategy.SHIFT_BY, null, null, by);
    }
}
