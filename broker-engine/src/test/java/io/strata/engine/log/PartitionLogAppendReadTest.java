package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.testing.ManualTime;
import io.strata.engine.log.LogTestSupport.Read;
import io.strata.engine.log.segment.FillAhead;
import io.strata.engine.log.validation.AppendOrigin;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static io.strata.engine.log.LogTestSupport.batches;
import static io.strata.engine.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionLogAppendReadTest {
    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0 + 60_000);
    private PartitionLog log;

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void appendedBatchesGetContiguousOffsetsAndReadBackAsSent() throws Exception {
        log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        Compression[] codecs = {Compression.NONE, Compression.lz4().build(), Compression.zstd().build(),
                Compression.gzip().build(), Compression.snappy().build()};
        long expectedFirst = 0;
        for (int i = 0; i < codecs.length; i++) {
            LogAppendResult result = log.appendAsLeader(batch(codecs[i], T0 + 100L * i, "b" + i, 3 + i), 7);
            assertThat(result.firstOffset()).isEqualTo(expectedFirst);
            assertThat(result.lastOffset()).isEqualTo(expectedFirst + 2 + i);
            assertThat(result.recordCount()).isEqualTo(3 + i);
            assertThat(result.logAppendTime()).isEqualTo(RecordBatch.NO_TIMESTAMP);
            assertThat(result.duplicate()).isFalse();
            expectedFirst = result.lastOffset() + 1;
        }
        assertThat(log.logEndOffset()).isEqualTo(expectedFirst);
        assertThat(log.flushedOffset()).as("flush.messages=1 fsyncs every append").isEqualTo(expectedFirst);

        List<Read> all = readAll(log);
        assertThat(all).extracting(Read::offset).containsExactlyElementsOf(
                java.util.stream.LongStream.range(0, expectedFirst).boxed().toList());
        assertThat(all.get(0)).isEqualTo(new Read(0, T0, "k0", "b0-0", 7));
        assertThat(all.get(3)).isEqualTo(new Read(3, T0 + 100, "k0", "b1-0", 7));
        assertThat(all.get(all.size() - 1).value()).isEqualTo("b4-6");
        assertThat(all.get(all.size() - 1).timestamp()).isEqualTo(T0 + 400 + 6);

        // Stored batches keep their compression: the log does not recompress.
        List<RecordBatch> stored = batches(log.read(0, 1 << 20, log.logEndOffset(), true));
        assertThat(stored).extracting(b -> b.compressionType().name)
                .containsExactly("none", "lz4", "zstd", "gzip", "snappy");
    }

    @Test
    void logAppendTimeRewritesTheBatchTimestampWithAValidCrc() throws Exception {
        log = LogTestSupport.open(dir, LogTestSupport.config(Map.of("message.timestamp.type", "LogAppendTime")), time);
        LogAppendResult result = log.appendAsLeader(batch(Compression.lz4().build(), T0 - 5_000, "lat", 4), 0);
        assertThat(result.logAppendTime()).isEqualTo(time.milliseconds());

        RecordBatch stored = batches(log.read(0, 1 << 20, log.logEndOffset(), true)).get(0);
        assertThat(stored.isValid()).isTrue();
        assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(stored.maxTimestamp()).isEqualTo(time.milliseconds());
        assertThat(readAll(log)).allSatisfy(r -> assertThat(r.timestamp()).isEqualTo(time.milliseconds()));
    }

    @Test
    void readRespectsLimitsAndReturnsWholeBatches() throws Exception {
        log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        int batchSize = 0;
        for (int i = 0; i < 5; i++) {
            batchSize = log.appendAsLeader(batch(T0, "r" + i, 10), 0).sizeInBytes();
        }
        // Offset 15 is in the middle of the second batch: the whole batch comes back.
        LogReadResult mid = log.read(15, 1 << 20, 30, false);
        assertThat(batches(mid)).extracting(RecordBatch::baseOffset).containsExactly(10L, 20L);
        assertThat(mid.recordCount()).isEqualTo(20);
        assertThat(mid.nextOffset()).isEqualTo(30);

        // A fetch size that fits one and a half batches returns one.
        LogReadResult limited = log.read(0, batchSize + batchSize / 2, 50, false);
        assertThat(batches(limited)).hasSize(1);
        assertThat(limited.nextOffset()).isEqualTo(10);

        // KIP-74: the first batch is returned even if it exceeds the fetch size, when minOneMessage is set.
        assertThat(batches(log.read(0, 10, 50, true))).hasSize(1);
        assertThat(log.read(0, 10, 50, false).records()).isEqualTo(MemoryRecords.EMPTY);

        // The upper bound (e.g. the high watermark) and the log end return nothing, without error.
        LogReadResult atBound = log.read(30, 1 << 20, 30, true);
        assertThat(atBound.records()).isEqualTo(MemoryRecords.EMPTY);
        assertThat(atBound.nextOffset()).isEqualTo(30);
        assertThat(log.read(50, 1 << 20, 50, true).recordCount()).isZero();

        assertThatThrownBy(() -> log.read(51, 100, 60, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(-1, 100, 60, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void highWatermarkOnlyMovesForwardAndStopsAtTheLogEnd() throws Exception {
        log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        log.appendAsLeader(batch(T0, "h", 5), 0);
        log.updateHighWatermark(3);
        log.updateHighWatermark(2);
        assertThat(log.highWatermark()).isEqualTo(3);
        log.updateHighWatermark(100);
        assertThat(log.highWatermark()).isEqualTo(5);
    }

    @Test
    void concurrentAppendersShareFsyncsAndNeverInterleaveOffsets() throws Exception {
        log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<LogAppendResult>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<LogAppendResult> results = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        LogAppendResult r = log.appendAsLeader(batch(T0, "t" + thread + "-" + i, 2), 0);
                        assertThat(log.flushedOffset()).as("durable when acknowledged").isGreaterThan(r.lastOffset());
                        results.add(r);
                    }
                    return results;
                }));
            }
            List<Long> firstOffsets = new ArrayList<>();
            for (Future<List<LogAppendResult>> f : futures) {
                f.get(60, TimeUnit.SECONDS).forEach(r -> firstOffsets.add(r.firstOffset()));
            }
            assertThat(firstOffsets).hasSize(200).doesNotHaveDuplicates()
                    .allSatisfy(o -> assertThat(o % 2).isZero());
        } finally {
            pool.shutdownNow();
        }
        assertThat(log.logEndOffset()).isEqualTo(400);
        assertThat(readAll(log)).hasSize(400);
    }

    @Test
    void relaxedFlushPolicyFsyncsEveryNMessages() throws Exception {
        log = LogTestSupport.open(dir, LogTestSupport.config(Map.of("flush.messages", "10")), time);
        assertThat(log.config().fsyncEachAppend()).isFalse();
        log.appendAsLeader(batch(T0, "a", 4), 0);
        log.appendAsLeader(batch(T0, "b", 4), 0);
        assertThat(log.flushedOffset()).isZero();
        log.appendAsLeader(batch(T0, "c", 4), 0);
        assertThat(log.flushedOffset()).isEqualTo(12);
        log.appendAsLeader(batch(T0, "d", 1), 0);
        log.flush();
        assertThat(log.flushedOffset()).isEqualTo(13);
    }

    @Test
    void aDeferredAppendLeavesItsFsyncToTheCallerUnderTheDefaultFlushPolicy() throws Exception {
        log = LogTestSupport.open(dir, LogTestSupport.config(Map.of()), time);
        assertThat(log.config().fsyncEachAppend()).isTrue();
        log.appendAsLeader(batch(T0, "a", 4), 0, AppendOrigin.CLIENT, true);
        log.appendAsLeader(batch(T0, "b", 4), 0, AppendOrigin.CLIENT, true);
        assertThat(log.flushedOffset()).as("the request thread does not fsync a deferred append").isZero();
        log.flushTo(8);
        assertThat(log.flushedOffset()).isEqualTo(8);
    }

    @Test
    void oneFsyncPassIsCountedForAllTheAppendsItCoversAndNoneWhenNothingIsNew() throws Exception {
        FlushStats stats = new FlushStats();
        log = PartitionLog.open(dir, LogTestSupport.TP, LogTestSupport.TOPIC_ID, LogConfig.defaults(), time, null,
                FillAhead.OFF, OptionalLong.empty(), stats);
        log.appendAsLeader(batch(T0, "a", 4), 0, AppendOrigin.CLIENT, true);
        log.appendAsLeader(batch(T0, "b", 4), 0, AppendOrigin.CLIENT, true);
        log.flushTo(4);
        assertThat(stats.passes()).as("the pass for offset 4 also covered the second batch").isEqualTo(1);
        assertThat(stats.totalNanos()).isPositive();
        log.flushTo(8);
        log.flush();
        assertThat(stats.passes()).isEqualTo(1);
        log.appendAsLeader(batch(T0, "c", 1), 0, AppendOrigin.CLIENT, true);
        log.flush();
        assertThat(stats.passes()).isEqualTo(2);
    }

    @Test
    void anAsyncFlushCompletesOnTheFlusherPoolOnceItsAppendIsFsynced() throws Exception {
        log = LogTestSupport.open(dir, LogTestSupport.config(Map.of()), time);
        ExecutorService flushers = Executors.newFixedThreadPool(2);
        try {
            log.appendAsLeader(batch(T0, "a", 4), 0, AppendOrigin.CLIENT, true);
            log.appendAsLeader(batch(T0, "b", 4), 0, AppendOrigin.CLIENT, true);
            List<Long> durableWhenDone = new ArrayList<>();
            log.flushToAsync(4, flushers, Runnable::run).thenRun(() -> durableWhenDone.add(log.flushedOffset()))
                    .get(10, TimeUnit.SECONDS);
            assertThat(durableWhenDone).singleElement().satisfies(d -> assertThat(d).isGreaterThanOrEqualTo(4));
            log.flushToAsync(8, flushers, Runnable::run).get(10, TimeUnit.SECONDS);
            assertThat(log.flushedOffset()).isEqualTo(8);
        } finally {
            flushers.shutdown();
        }
    }
}
