package io.strata.engine.config;

import io.strata.engine.metadata.BrokerConfigs;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerLogDefaultsTest {
    private final BrokerLogDefaults defaults = new BrokerLogDefaults(1, Map.of("retention.ms", "1000", "segment.ms", "5000"));

    @Test
    void thisBrokersDynamicConfigBeatsTheClusterDefaultWhichBeatsTheStaticDefault() {
        boolean changed = defaults.update(new BrokerConfigs(
                Map.of("log.retention.ms", "2000", "log.retention.bytes", "10"),
                Map.of(1, Map.of("log.retention.bytes", "20"), 2, Map.of("log.roll.ms", "9"))));

        assertThat(changed).isTrue();
        assertThat(defaults.topicDefaults()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "retention.ms", "2000", "retention.bytes", "20", "segment.ms", "5000"));
        LogConfig config = defaults.logConfig(Map.of("retention.bytes", "30"));
        assertThat(config.retentionBytes()).as("a topic override beats every broker layer").isEqualTo(30);
        assertThat(config.retentionMs()).isEqualTo(2000);
        assertThat(config.segmentMs()).as("another broker's config does not apply here").isEqualTo(5000);
        assertThat(defaults.dynamicBrokerValue("log.retention.bytes")).contains("20");
        assertThat(defaults.dynamicDefaultValue("log.retention.ms")).contains("2000");
        assertThat(defaults.staticValue("segment.ms")).contains("5000");
    }

    @Test
    void anUpdateThatLeavesThisBrokersEffectiveDefaultsAloneReportsNoChange() {
        assertThat(defaults.update(new BrokerConfigs(Map.of(), Map.of(2, Map.of("log.roll.ms", "9"))))).isFalse();
        assertThat(defaults.update(new BrokerConfigs(Map.of("log.retention.ms", "1000"), Map.of())))
                .as("the same value as the static default").isFalse();
    }

    @Test
    void aStoredValueThatNoLongerValidatesLeavesTheLowerLayerInForce() {
        defaults.update(new BrokerConfigs(Map.of("log.retention.ms", "not-a-number", "log.unknown", "1"), Map.of()));

        assertThat(defaults.topicDefaults()).containsEntry("retention.ms", "1000").doesNotContainKey("log.unknown");
        assertThat(defaults.logConfig(Map.of()).retentionMs()).isEqualTo(1000);
    }
}
