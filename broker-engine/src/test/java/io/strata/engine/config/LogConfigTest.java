package io.strata.engine.config;

import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogConfigTest {

    @Test
    void catalogueListsEveryConfigSortedWithKafkaDefaults() {
        assertThat(TopicConfigs.definitions()).extracting(TopicConfigs.Definition::name).isSorted()
                .contains("cleanup.policy", "compression.type", "flush.messages", "max.message.bytes", "segment.bytes",
                        "message.timestamp.type", "unclean.leader.election.enable", "min.insync.replicas");
        assertThat(TopicConfigs.definition("max.message.bytes")).hasValueSatisfying(d -> {
            assertThat(d.defaultValue()).isEqualTo("1048588");
            assertThat(d.brokerSynonym()).isEqualTo("message.max.bytes");
            assertThat(d.type()).isEqualTo(TopicConfigs.Type.INT);
        });
        assertThat(TopicConfigs.definition("flush.messages").orElseThrow().defaultValue()).isEqualTo("1");
        assertThat(TopicConfigs.definition("no.such.config")).isEmpty();
    }

    @Test
    void validationNamesTheBadConfig() {
        TopicConfigs.validate(Map.of("cleanup.policy", "compact,delete", "retention.ms", "-1", "segment.bytes", "1024",
                "compression.type", "zstd", "message.timestamp.type", "LogAppendTime", "preallocate", "TRUE",
                "min.cleanable.dirty.ratio", "0.25"));
        assertThatThrownBy(() -> TopicConfigs.validate(Map.of("no.such.config", "1")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no.such.config");
        assertThatThrownBy(() -> TopicConfigs.validate(Map.of("retention.ms", "soon")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("retention.ms");
        assertThatThrownBy(() -> TopicConfigs.validate(Map.of("segment.bytes", "1023")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("at least 1024");
        assertThatThrownBy(() -> TopicConfigs.validate(Map.of("cleanup.policy", "compact,forever")))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> TopicConfigs.validate(Map.of("compression.type", "brotli")))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> TopicConfigs.validate(Map.of("min.cleanable.dirty.ratio", "1.5")))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> TopicConfigs.validate(Map.of("flush.messages", "0")))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> TopicConfigs.validate(java.util.Collections.singletonMap("retention.ms", null)))
                .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void overridesWinOverBrokerDefaultsWhichWinOverTheCatalogue() {
        LogConfig config = LogConfig.from(Map.of("retention.ms", "1000", "segment.bytes", "2048"),
                Map.of("segment.bytes", "4096", "cleanup.policy", "delete, compact",
                        "message.timestamp.type", "LogAppendTime"));
        assertThat(config.segmentBytes()).isEqualTo(4096);
        assertThat(config.retentionMs()).isEqualTo(1000);
        assertThat(config.maxMessageBytes()).isEqualTo(1048588);
        assertThat(config.cleanupPolicy()).isEqualTo("compact,delete");
        assertThat(config.compact()).isTrue();
        assertThat(config.delete()).isTrue();
        assertThat(config.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(config.fsyncEachAppend()).isTrue();
        assertThat(LogConfig.of(Map.of("flush.messages", "100")).fsyncEachAppend()).isFalse();
        assertThatThrownBy(() -> LogConfig.from(Map.of("segment.ms", "never"), Map.of()))
                .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void anEmptyCleanupPolicyIsAcceptedAndMeansNeitherDeleteNorCompact() {
        TopicConfigs.validate(Map.of("cleanup.policy", ""));
        LogConfig config = LogConfig.of(Map.of("cleanup.policy", " , "));
        assertThat(config.cleanupPolicy()).isEmpty();
        assertThat(config.delete()).isFalse();
        assertThat(config.compact()).isFalse();
    }
}
