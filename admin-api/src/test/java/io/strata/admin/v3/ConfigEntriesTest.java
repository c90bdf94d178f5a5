package io.strata.admin.v3;

import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigEntriesTest {

    @Test
    void sourcesAreSpelledAsKafkaSpellsThemAndAMissingOneIsUnknown() {
        assertThat(ConfigEntries.source(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG)).isEqualTo("STATIC_BROKER_CONFIG");
        assertThat(ConfigEntries.source(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)).isEqualTo("DYNAMIC_TOPIC_CONFIG");
        assertThat(ConfigEntries.source(null)).isEqualTo("UNKNOWN");
    }
}
