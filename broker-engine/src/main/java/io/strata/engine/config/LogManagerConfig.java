package io.strata.engine.config;

/**
 * Broker-wide settings of the log's background work (retention, the log cleaner, zero fill ahead); names and
 * defaults are Kafka's broker settings except the last, which is Strata's own. Static: read at start-up.
 *
 * @param retentionCheckIntervalMs     how often retention looks for segments to delete
 *                                     ({@code log.retention.check.interval.ms})
 * @param cleanerEnable                whether compacted topics are cleaned ({@code log.cleaner.enable})
 * @param cleanerThreads               cleaner threads ({@code log.cleaner.threads})
 * @param cleanerDedupeBufferSize      memory for the key-offset maps of all cleaner threads together
 *                                     ({@code log.cleaner.dedupe.buffer.size}); a log with more distinct keys
 *                                     than one map holds is cleaned in several passes
 * @param cleanerIoBufferSize          read and write buffer memory of all cleaner threads together
 *                                     ({@code log.cleaner.io.buffer.size})
 * @param cleanerIoMaxBytesPerSecond   read plus write rate the cleaner is throttled to
 *                                     ({@code log.cleaner.io.max.bytes.per.second})
 * @param cleanerBackoffMs             pause of a cleaner thread that found nothing to clean
 *                                     ({@code log.cleaner.backoff.ms})
 * @param zeroFillAheadBytes           how many zeros at most the background thread keeps written and fsynced ahead of
 *                                     each active segment's end (no more than the segment holds), so appends
 *                                     overwrite allocated blocks instead of growing the file; 0 turns it off
 */
public record LogManagerConfig(long retentionCheckIntervalMs, boolean cleanerEnable, int cleanerThreads,
                               long cleanerDedupeBufferSize, int cleanerIoBufferSize,
                               double cleanerIoMaxBytesPerSecond, long cleanerBackoffMs,
                               long zeroFillAheadBytes) {

    public LogManagerConfig {
        if (retentionCheckIntervalMs < 1 || cleanerThreads < 0 || cleanerDedupeBufferSize < 1024
                || cleanerIoBufferSize < 1024 || !(cleanerIoMaxBytesPerSecond > 0) || cleanerBackoffMs < 0
                || zeroFillAheadBytes < 0) {
            throw new IllegalArgumentException("Invalid log manager settings: " + this);
        }
    }

    /** Strata's default zero fill ahead of each active segment's end. */
    public static final long DEFAULT_ZERO_FILL_AHEAD_BYTES = 4L * 1024 * 1024;

    /** Kafka's defaults, and Strata's zero fill ahead. */
    public static LogManagerConfig defaults() {
        return new LogManagerConfig(300_000, true, 1, 128L * 1024 * 1024, 512 * 1024, Double.MAX_VALUE, 15_000,
                DEFAULT_ZERO_FILL_AHEAD_BYTES);
    }

    /** With a shorter retention check interval (tests). */
    public LogManagerConfig withRetentionCheckIntervalMs(long intervalMs) {
        return new LogManagerConfig(intervalMs, cleanerEnable, cleanerThreads, cleanerDedupeBufferSize,
                cleanerIoBufferSize, cleanerIoMaxBytesPerSecond, cleanerBackoffMs, zeroFillAheadBytes);
    }

    /** With a shorter cleaner backoff (tests). */
    public LogManagerConfig withCleanerBackoffMs(long backoffMs) {
        return new LogManagerConfig(retentionCheckIntervalMs, cleanerEnable, cleanerThreads, cleanerDedupeBufferSize,
                cleanerIoBufferSize, cleanerIoMaxBytesPerSecond, backoffMs, zeroFillAheadBytes);
    }

    /** With another zero fill ahead (0: off). */
    public LogManagerConfig withZeroFillAheadBytes(long bytes) {
        return new LogManagerConfig(retentionCheckIntervalMs, cleanerEnable, cleanerThreads, cleanerDedupeBufferSize,
                cleanerIoBufferSize, cleanerIoMaxBytesPerSecond, cleanerBackoffMs, bytes);
    }

    /** With a smaller dedupe buffer (tests: forces multi-pass cleaning). */
    public LogManagerConfig withCleanerDedupeBufferSize(long bytes) {
        return new LogManagerConfig(retentionCheckIntervalMs, cleanerEnable, cleanerThreads, bytes,
                cleanerIoBufferSize, cleanerIoMaxBytesPerSecond, cleanerBackoffMs, zeroFillAheadBytes);
    }
}
