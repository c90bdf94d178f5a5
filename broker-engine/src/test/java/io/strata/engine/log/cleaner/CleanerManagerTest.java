package io.strata.engine.log.cleaner;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.LogTestSupport;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static io.strata.engine.log.cleaner.CleanerTestSupport.append;
import static org.assertj.core.api.Assertions.assertThat;

class CleanerManagerTest {
    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(LogTestSupport.T0);
    private final List<PartitionLog> logs = new ArrayList<>();

    @AfterEach
    void close() {
        logs.forEach(PartitionLog::close);
    }

    private PartitionLog log(String topic, Map<String, String> overrides) throws IOException {
        Map<String, String> config = new HashMap<>(Map.of("cleanup.policy", "compact", "segment.bytes", "2048",
                "min.cleanable.dirty.ratio", "0.01"));
        config.putAll(overrides);
        PartitionLog log = PartitionLog.open(dir.resolve(topic + "-0"), new TopicPartition(topic, 0),
                LogTestSupport.TOPIC_ID, LogConfig.of(config), time);
        logs.add(log);
        return log;
    }

    private void fill(PartitionLog log, int records) {
        for (int i = 0; i < records; i++) {
            append(log, time, "k" + (i % 10), "value-" + i);
        }
    }

    @Test
    void theLogWithTheHighestDirtyRatioIsCleanedFirstAndNoLogByTwoThreads() throws Exception {
        PartitionLog lessDirty = log("less", Map.of());
        PartitionLog dirtier = log("more", Map.of());
        fill(lessDirty, 200);
        fill(dirtier, 200);
        CleanerManager manager = new CleanerManager(time);
        manager.doneCleaning(lessDirty, OptionalLong.of(100)); // its first 100 offsets count as clean

        CleanableLog first = manager.grabFilthiestLog(logs).orElseThrow();
        CleanableLog second = manager.grabFilthiestLog(logs).orElseThrow();
        Optional<CleanableLog> third = manager.grabFilthiestLog(logs);

        assertThat(first.log()).isSameAs(dirtier);
        assertThat(first.dirtyRatio()).isEqualTo(1.0);
        assertThat(second.log()).isSameAs(lessDirty);
        assertThat(second.dirtyRatio()).isBetween(0.2, 0.8);
        assertThat(second.firstDirtyOffset()).isEqualTo(100);
        assertThat(third).as("both in progress").isEmpty();
        manager.doneCleaning(dirtier, OptionalLong.empty());
        assertThat(manager.grabFilthiestLog(logs)).map(CleanableLog::log).containsSame(dirtier);
    }

    @Test
    void aLogBelowItsMinDirtyRatioWaitsUntilItsOldestDirtyRecordPassesMaxCompactionLag() throws Exception {
        PartitionLog log = log("lagging", Map.of("min.cleanable.dirty.ratio", "0.9", "max.compaction.lag.ms", "60000"));
        fill(log, 200);
        CleanerManager manager = new CleanerManager(time);
        long activeBase = log.segmentsSnapshot().get(log.segmentCount() - 1).baseOffset();
        manager.doneCleaning(log, OptionalLong.of(activeBase / 2));

        assertThat(manager.grabFilthiestLog(logs)).isEmpty();
        assertThat(manager.maxDirtyRatio()).isBetween(0.2, 0.8);

        time.advance(60_001);
        CleanableLog forced = manager.grabFilthiestLog(logs).orElseThrow();
        assertThat(forced.forced()).isTrue();
    }

    @Test
    void recordsNewerThanMinCompactionLagAreNotCleanable() throws Exception {
        PartitionLog log = log("young", Map.of("min.compaction.lag.ms", "60000"));
        fill(log, 100);
        time.advance(120_000);
        fill(log, 100);
        CleanerManager manager = new CleanerManager(time);

        CleanableLog target = manager.grabFilthiestLog(logs).orElseThrow();

        long activeBase = log.segmentsSnapshot().get(log.segmentCount() - 1).baseOffset();
        assertThat(target.firstUncleanableOffset()).isLessThanOrEqualTo(100).isLessThan(activeBase);
        assertThat(target.firstUncleanableOffset()).isGreaterThan(0);
    }

    @Test
    void onlyCommittedDataOfCompactedLogsIsCleanable() throws Exception {
        PartitionLog deleted = log("plain", Map.of("cleanup.policy", "delete"));
        fill(deleted, 200);
        PartitionLog uncommitted = log("uncommitted", Map.of());
        fill(uncommitted, 200);
        uncommitted.truncateTo(0); // high watermark back to 0
        CleanerManager manager = new CleanerManager(time);
        for (int i = 0; i < 200; i++) { // appended but not committed: no high watermark move
            uncommitted.appendAsLeader(org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                    org.apache.kafka.common.compress.Compression.NONE, new org.apache.kafka.common.record.internal
                            .SimpleRecord(time.milliseconds(), LogTestSupport.bytes("k"), LogTestSupport.bytes("v"))), 0);
        }

        assertThat(manager.grabFilthiestLog(logs)).isEmpty();
    }

    @Test
    void anAbortedLogIsPausedUntilResumed() throws Exception {
        PartitionLog log = log("paused", Map.of());
        fill(log, 200);
        CleanerManager manager = new CleanerManager(time);
        manager.abortAndPause(log.topicPartition());

        assertThat(manager.grabFilthiestLog(logs)).isEmpty();
        manager.resume(log.topicPartition());
        assertThat(manager.grabFilthiestLog(logs)).isPresent();
    }
}
