package io.strata.engine.log.validation;

import io.strata.engine.config.LogConfig;
import io.strata.engine.config.TopicConfigs;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * CPU cost of produce validation per GB of record payload, per codec and for recompression, measured on one
 * thread with {@link BatchValidator#validate} (the exact code the produce path runs before an append).
 * Not a test: run by {@code bench/validation.sh}. Batches hold text-like 1 KiB records (so they compress
 * as real payloads do) in batches of about {@code BATCH_BYTES}.
 *
 * <p>Arguments (optional): seconds per row (default 3), batch bytes (default 65536).
 */
public final class ValidationBench {
    private static final int RECORD_BYTES = 1024;
    private static final String[] WORDS = ("order customer payment shipped pending region eu-west us-east amount "
            + "currency EUR USD status created updated id sku quantity price discount warehouse").split(" ");

    private ValidationBench() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int batchBytes = args.length > 1 ? Integer.parseInt(args[1]) : 65536;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "%-28s %12s %14s %12s%n", "batch codec -> stored", "ratio", "CPU s / GB", "MB/s/core");
        String[][] rows = {
                {"none", "producer"}, {"gzip", "producer"}, {"snappy", "producer"}, {"lz4", "producer"},
                {"zstd", "producer"}, {"none", "zstd"}, {"gzip", "zstd"}, {"lz4", "zstd"}, {"zstd", "lz4"},
                {"zstd", "uncompressed"}};
        baseline(threads, batchBytes, seconds);
        for (String[] row : rows) {
            Compression codec = Compression.of(row[0]).build();
            LogConfig config = LogConfig.of(Map.of(TopicConfigs.COMPRESSION_TYPE, row[1],
                    TopicConfigs.MAX_MESSAGE_BYTES, String.valueOf(64 * batchBytes)));
            long now = System.currentTimeMillis();
            List<ByteBuffer> batches = batches(codec, batchBytes, now, 64);
            long payload = (long) batches.size() * (batchBytes / RECORD_BYTES) * RECORD_BYTES;
            long stored = batches.stream().mapToLong(ByteBuffer::remaining).sum();
            run(batches, config, now, 0.5); // warm-up
            long cpu0 = threads.getCurrentThreadCpuTime();
            long rounds = run(batches, config, now, seconds);
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            double gb = rounds * payload / 1e9;
            System.out.printf(Locale.ROOT, "%-28s %12.2f %14.3f %12.0f%n", row[0] + " -> " + row[1],
                    (double) payload / stored, cpu / gb, gb * 1000 / cpu);
        }
    }

    /** What the produce path did before records were checked: copy the batch and verify its CRC. */
    private static void baseline(ThreadMXBean threads, int batchBytes, double seconds) {
        List<ByteBuffer> batches = batches(Compression.NONE, batchBytes, System.currentTimeMillis(), 64);
        long payload = (long) batches.size() * (batchBytes / RECORD_BYTES) * RECORD_BYTES;
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up
            long cpu0 = threads.getCurrentThreadCpuTime();
            long deadline = System.nanoTime() + (long) ((pass == 0 ? 0.5 : seconds) * 1e9);
            long rounds = 0;
            while (System.nanoTime() < deadline) {
                for (ByteBuffer batch : batches) {
                    ByteBuffer copy = ByteBuffer.allocate(batch.remaining()).put(batch.duplicate()).flip();
                    MemoryRecords.readableRecords(copy).batches().iterator().next().ensureValid();
                }
                rounds++;
            }
            if (pass == 1) {
                double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
                double gb = rounds * payload / 1e9;
                System.out.printf(Locale.ROOT, "%-28s %12s %14.3f %12.0f%n", "none, copy + CRC only", "",
                        cpu / gb, gb * 1000 / cpu);
            }
        }
    }

    private static long run(List<ByteBuffer> batches, LogConfig config, long now, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long rounds = 0;
        long sink = 0;
        while (System.nanoTime() < deadline) {
            for (ByteBuffer batch : batches) {
                // A copy, as the produce path validates a request buffer it may then modify.
                ByteBuffer copy = ByteBuffer.allocate(batch.remaining()).put(batch.duplicate()).flip();
                sink += BatchValidator.validate(MemoryRecords.readableRecords(copy), config, now, AppendOrigin.CLIENT)
                        .header().maxTimestamp();
            }
            rounds++;
        }
        if (sink == 42) {
            System.out.println(); // keeps the JIT from discarding the work
        }
        return rounds;
    }

    private static List<ByteBuffer> batches(Compression codec, int batchBytes, long now, int count) {
        Random random = new Random(7);
        List<ByteBuffer> batches = new ArrayList<>();
        int perBatch = Math.max(1, batchBytes / RECORD_BYTES);
        Header[] headers = {new RecordHeader("trace-id", "0af7651916cd43dd8448eb211c80319c".getBytes(StandardCharsets.UTF_8))};
        for (int b = 0; b < count; b++) {
            MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(batchBytes * 2 + 1024),
                    RecordBatch.MAGIC_VALUE_V2, codec, TimestampType.CREATE_TIME, 0L);
            for (int i = 0; i < perBatch; i++) {
                builder.appendWithOffset(i, now, ("key-" + random.nextInt(10_000)).getBytes(StandardCharsets.UTF_8),
                        text(random), headers);
            }
            batches.add(builder.build().buffer());
        }
        return batches;
    }

    private static byte[] text(Random random) {
        StringBuilder s = new StringBuilder(RECORD_BYTES + 32);
        while (s.length() < RECORD_BYTES) {
            s.append('"').append(WORDS[random.nextInt(WORDS.length)]).append("\":").append(random.nextInt(100_000)).append(',');
        }
        s.setLength(RECORD_BYTES);
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
