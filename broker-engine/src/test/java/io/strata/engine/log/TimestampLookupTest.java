package io.strata.engine.log;

import io.strata.engine.log.segment.OffsetAndEpoch;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;

class TimestampLookupTest {
    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0 + 10_000_000);

    /** Record i has timestamp T0 + 10 * i; batches of 4 records over segments of ~1 KiB. */
    private PartitionLog fill(int records) throws Exception {
        PartitionLog log = LogTestSupport.open(dir, LogTestSupport.config(Map.of("segment.bytes", "1024",
                "index.interval.bytes", "100")), time);
        for (int base = 0; base < records; base += 4) {
            SimpleRecord[] batch = new SimpleRecord[4];
            for (int j = 0; j < 4; j++) {
                batch[j] = new SimpleRecord(T0 + 10L * (base + j), bytes("k"), bytes("value-" + (base + j)));
            }
            Compression c = base % 8 == 0 ? Compression.zstd().build() : Compression.NONE;
            log.appendAsLeader(MemoryRecords.withRecords(c, batch), 3);
        }
        return log;
    }

    @Test
    void findsTheFirstRecordAtOrAfterATimestampInAnySegment() throws Exception {
        PartitionLog log = fill(400);
        try {
            assertThat(log.segmentCount()).isGreaterThan(5);
            for (int i : new int[] {0, 1, 5, 37, 38, 99, 150, 222, 301, 399}) {
                assertThat(log.offsetForTimestamp(T0 + 10L * i))
                        .as("exact timestamp of record %d", i).contains(new OffsetAndEpoch(i, T0 + 10L * i, 3));
                if (i > 0) {
                    assertThat(log.offsetForTimestamp(T0 + 10L * i - 5))
                            .as("between records %d and %d", i - 1, i).contains(new OffsetAndEpoch(i, T0 + 10L * i, 3));
                }
            }
            assertThat(log.offsetForTimestamp(0)).contains(new OffsetAndEpoch(0, T0, 3));
            assertThat(log.offsetForTimestamp(T0 + 10L * 399 + 1)).isEmpty();

            // Same answers after a restart, when segment max timestamps come from the time indexes.
            log.close();
            log = LogTestSupport.open(dir, LogTestSupport.config(Map.of("segment.bytes", "1024")), time);
            assertThat(log.offsetForTimestamp(T0 + 10L * 222 - 3)).contains(new OffsetAndEpoch(222, T0 + 2220, 3));
            assertThat(log.offsetOfMaxTimestamp()).contains(new OffsetAndEpoch(399, T0 + 3990, 3));
        } finally {
            log.close();
        }
    }

    @Test
    void maxTimestampIsTheFirstRecordHoldingTheLargestTimestamp() throws Exception {
        try (PartitionLog log = LogTestSupport.open(dir, LogTestSupport.config(Map.of("segment.bytes", "1024")), time)) {
            assertThat(log.offsetOfMaxTimestamp()).isEmpty();
            log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(T0 + 5, bytes("a")), new SimpleRecord(T0 + 900, bytes("peak")),
                    new SimpleRecord(T0 + 7, bytes("b"))), 0);
            for (int i = 0; i < 30; i++) { // out-of-order timestamps below the peak, over several segments
                log.appendAsLeader(LogTestSupport.batch(T0 + 100 + (i * 37) % 500, "f" + i, 3), 1);
            }
            log.appendAsLeader(MemoryRecords.withRecords(Compression.lz4().build(),
                    new SimpleRecord(T0 + 1, bytes("x")), new SimpleRecord(T0 + 900, bytes("tie"))), 2);
            assertThat(log.segmentCount()).isGreaterThan(1);

            Optional<OffsetAndEpoch> max = log.offsetOfMaxTimestamp();
            assertThat(max).contains(new OffsetAndEpoch(1, T0 + 900, 0));
            assertThat(log.offsetForTimestamp(T0 + 899)).contains(new OffsetAndEpoch(1, T0 + 900, 0));
            assertThat(log.offsetForTimestamp(T0 + 6)).as("record 2 (T0+7) comes after the peak")
                    .contains(new OffsetAndEpoch(1, T0 + 900, 0));
        }
    }
}
