package io.strata.engine.log;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.engine.config.LogConfig;
import io.strata.engine.config.LogManagerConfig;
import io.strata.engine.metrics.BrokerMetrics;
import io.strata.engine.server.BrokerExecutors;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static org.assertj.core.api.Assertions.assertThat;

/** The log manager's retention pass over its logs, and the retention metric it feeds. */
class LogManagerRetentionTest {
    private static final TopicPartition TP = new TopicPartition("aging", 0);
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dataDir;

    private final ManualTime time = new ManualTime(T0);
    private final BrokerExecutors executors = new BrokerExecutors(1, 2);
    private LogManager manager;

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
        executors.close();
    }

    @Test
    void aRetentionPassDeletesExpiredSegmentsOnceTheyAgeAndCountsThemByTopicAndReason() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BrokerMetrics metrics = new BrokerMetrics(registry);
        // A long check interval: the test runs the passes itself.
        manager = new LogManager(dataDir, time, LogManagerConfig.defaults().withRetentionCheckIntervalMs(3_600_000),
                executors.logBackground(), executors.logOpenClose());
        manager.setRetentionListener((tp, plan) -> metrics.recordRetentionDeletion(tp.topic(), plan.reason().tag(),
                plan.segments()));
        LogConfig config = LogConfig.of(Map.of("segment.bytes", "1024", "retention.ms", String.valueOf(HOUR),
                "file.delete.delay.ms", "0"));
        PartitionLog log = manager.getOrCreateLog(TP, Uuid.randomUuid(), config);
        while (log.segmentCount() < 4) {
            log.appendAsLeader(batch(T0, "v", 10), 0);
        }
        log.updateHighWatermark(log.logEndOffset());

        manager.runRetention();
        assertThat(log.logStartOffset()).as("not old enough yet").isZero();
        time.advance(2 * HOUR);
        manager.runRetention();
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(log.logEndOffset());
        assertThat(registry.get("strata.log.retention.segments.deleted").tag("topic", "aging")
                .tag("reason", "retention-ms").counter().count()).isEqualTo(4);
    }
}
