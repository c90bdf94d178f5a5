package io.strata.engine.log.cleaner;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.engine.config.LogConfig;
import io.strata.engine.config.LogManagerConfig;
import io.strata.engine.log.LogTestSupport;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cleaner threads: they find and clean a dirty log, report metrics, and stop without interrupts. */
class LogCleanerTest {
    private static final LogConfig CONFIG = LogTestSupport.config(Map.of("cleanup.policy", "compact",
            "segment.bytes", "4096", "min.cleanable.dirty.ratio", "0.01"));

    @TempDir
    Path dir;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private PartitionLog log;

    @AfterEach
    void close() throws Exception {
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        if (log != null) {
            log.close();
        }
    }

    private void fill(ManualTime time) {
        for (int i = 0; i < 500; i++) {
            CleanerTestSupport.append(log, time, "k" + (i % 10), "value-" + i);
        }
    }

    @Test
    void cleanerThreadsCleanADirtyLogAndReportWhatTheyDid() throws Exception {
        ManualTime time = new ManualTime(LogTestSupport.T0);
        log = LogTestSupport.open(dir, CONFIG, time);
        fill(time);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LogCleaner cleaner = new LogCleaner(LogManagerConfig.defaults().withCleanerBackoffMs(10)
                .withCleanerDedupeBufferSize(1024 * 1024), () -> List.of(log), pool, Time.SYSTEM, registry);

        cleaner.start();
        long activeBase = log.segmentsSnapshot().get(log.segmentCount() - 1).baseOffset();
        await().atMost(Duration.ofSeconds(30)).until(() -> CleanerCheckpoint.read(dir).orElse(-1) == activeBase);
        cleaner.stop();

        assertThat(registry.get("strata.log.cleaner.bytes.read").counter().count()).isPositive();
        assertThat(registry.get("strata.log.cleaner.bytes.written").counter().count()).isPositive();
        assertThat(registry.get("strata.log.cleaner.last.clean.duration").gauge().value()).isNotNegative();
        assertThat(registry.get("strata.log.cleaner.max.dirty.ratio").gauge().value()).isBetween(0.0, 1.0);
        assertThat(registry.get("strata.log.cleaner.time.since.last.run").gauge().value()).isNotNegative();
        assertThat(LogTestSupport.readAll(log)).hasSizeLessThan(100);
    }

    @Test
    void aDisabledCleanerStartsNoThread() throws Exception {
        ManualTime time = new ManualTime(LogTestSupport.T0);
        log = LogTestSupport.open(dir, CONFIG, time);
        fill(time);
        LogManagerConfig disabled = new LogManagerConfig(300_000, false, 1, 1024 * 1024, 512 * 1024, Double.MAX_VALUE, 10,
                LogManagerConfig.DEFAULT_ZERO_FILL_AHEAD_BYTES);
        LogCleaner cleaner = new LogCleaner(disabled, () -> List.of(log), pool, Time.SYSTEM, new SimpleMeterRegistry());

        cleaner.start();
        cleaner.stop();

        assertThat(((ThreadPoolExecutor) pool).getPoolSize()).isZero();
        assertThat(CleanerCheckpoint.read(dir)).isEmpty();
    }
}
