package io.strata.engine.log.cleaner;

import io.strata.engine.log.LogTestSupport;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives cleans of a {@link PartitionLog} directly, without threads. */
final class CleanerTestSupport {
    private CleanerTestSupport() {
    }

    /** Appends one batch of keyed records (a null value is a tombstone) and commits it (high watermark). */
    static void append(PartitionLog log, ManualTime time, String... keyValues) {
        SimpleRecord[] records = new SimpleRecord[keyValues.length / 2];
        for (int i = 0; i < records.length; i++) {
            String value = keyValues[2 * i + 1];
            records[i] = new SimpleRecord(time.milliseconds(), LogTestSupport.bytes(keyValues[2 * i]),
                    value == null ? null : LogTestSupport.bytes(value));
        }
        log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, records), 0);
        log.updateHighWatermark(log.logEndOffset());
    }

    /** Runs one clean if the manager finds the log cleanable; returns the result or empty. */
    static Optional<Cleaner.Result> cleanOnce(CleanerManager manager, Cleaner cleaner, PartitionLog log)
            throws Exception {
        Optional<CleanableLog> target = manager.grabFilthiestLog(List.of(log));
        if (target.isEmpty()) {
            return Optional.empty();
        }
        OptionalLong to = OptionalLong.empty();
        try {
            Cleaner.Result result = cleaner.clean(target.get(), () -> false);
            to = OptionalLong.of(result.cleanedTo());
            return Optional.of(result);
        } finally {
            manager.doneCleaning(log, to);
        }
    }

    /** Cleans until nothing is cleanable; returns the number of cleans. */
    static int cleanUntilDone(CleanerManager manager, Cleaner cleaner, PartitionLog log) throws Exception {
        int passes = 0;
        while (cleanOnce(manager, cleaner, log).isPresent()) {
            passes++;
            assertThat(passes).as("cleans of one log").isLessThan(1000);
        }
        return passes;
    }

    static Cleaner cleaner(int mapBytes, ManualTime time) {
        return cleaner(mapBytes, time, CleanerCrashHook.NONE);
    }

    static Cleaner cleaner(int mapBytes, ManualTime time, CleanerCrashHook hook) {
        return new Cleaner(new OffsetMap(mapBytes), 64 * 1024, new Throttler(Double.MAX_VALUE, time), time,
                TransactionCleaningHook.KEEP_ALL, hook);
    }

    /** key -> value of every record, in log order (later overwrite earlier; tombstones as null values). */
    static Map<String, String> latest(List<LogTestSupport.Read> reads) {
        Map<String, String> out = new LinkedHashMap<>();
        for (LogTestSupport.Read r : reads) {
            out.put(r.key(), r.value());
        }
        return out;
    }

    static void assertStrictlyIncreasing(List<LogTestSupport.Read> reads) {
        for (int i = 1; i < reads.size(); i++) {
            assertThat(reads.get(i).offset()).isGreaterThan(reads.get(i - 1).offset());
        }
    }

    static PartitionLog reopen(PartitionLog log, java.nio.file.Path dir, io.strata.engine.config.LogConfig config,
                               ManualTime time, boolean crash) throws IOException {
        if (crash) {
            log.closeWithoutFlush();
        } else {
            log.close();
        }
        return LogTestSupport.open(dir, config, time);
    }
}
