package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.segment.FileSlice;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shared helpers for the log tests: a manual clock, batch builders and a whole-log reader. */
public final class LogTestSupport {
    public static final TopicPartition TP = new TopicPartition("orders", 0);
    public static final Uuid TOPIC_ID = Uuid.fromString("b2fJ5Ks0TKK3j9Mz1pAbxg");
    public static final long T0 = 1_700_000_000_000L;

    private LogTestSupport() {
    }

    /** A record read back from the log. */
    public record Read(long offset, long timestamp, String key, String value, int leaderEpoch) {
    }

    public static PartitionLog open(Path dir, LogConfig config, Time time) throws IOException {
        return PartitionLog.open(dir, TP, TOPIC_ID, config, time);
    }

    public static LogConfig config(Map<String, String> overrides) {
        return LogConfig.of(overrides);
    }

    /** One batch with records "prefix-i" timestamped ts, ts+1, ... */
    public static MemoryRecords batch(Compression compression, long ts, String prefix, int count) {
        return MemoryRecords.withRecords(compression, records(ts, prefix, count));
    }

    public static MemoryRecords batch(long ts, String prefix, int count) {
        return batch(Compression.NONE, ts, prefix, count);
    }

    public static SimpleRecord[] records(long ts, String prefix, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(ts + i, bytes("k" + i), bytes(prefix + "-" + i));
        }
        return records;
    }

    public static MemoryRecords idempotent(long producerId, short epoch, int baseSequence, long ts, String prefix, int count) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence,
                records(ts, prefix, count));
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String string(java.nio.ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The batches of a read, copied to the heap. */
    public static List<RecordBatch> batches(LogReadResult result) {
        List<RecordBatch> out = new ArrayList<>();
        if (result.records() instanceof FileSlice slice) {
            for (RecordBatch b : slice.toMemoryRecords().batches()) {
                out.add(b);
            }
            slice.release();
        }
        return out;
    }

    /** Every record from {@code from} to the log end, reading with the given fetch size. */
    public static List<Read> readAll(PartitionLog log, long from, int maxBytes) {
        List<Read> out = new ArrayList<>();
        long next = from;
        while (next < log.logEndOffset()) {
            LogReadResult result = log.read(next, maxBytes, log.logEndOffset(), true);
            if (result.nextOffset() <= next) {
                throw new AssertionError("read made no progress at " + next);
            }
            for (RecordBatch b : batches(result)) {
                if (!b.isValid()) {
                    throw new AssertionError("invalid CRC in batch at " + b.baseOffset());
                }
                for (Record r : b) {
                    if (r.offset() >= next) {
                        out.add(new Read(r.offset(), r.timestamp(), string(r.key()), string(r.value()),
                                b.partitionLeaderEpoch()));
                    }
                }
            }
            next = result.nextOffset();
        }
        return out;
    }

    public static List<Read> readAll(PartitionLog log) {
        return readAll(log, log.logStartOffset(), 1 << 20);
    }
}
