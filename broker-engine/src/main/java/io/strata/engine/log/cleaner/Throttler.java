package io.strata.engine.log.cleaner;

import org.apache.kafka.common.utils.Time;

/**
 * Holds a cleaner thread to {@code log.cleaner.io.max.bytes.per.second} of reads plus writes: after each chunk
 * of I/O it sleeps long enough that the bytes since the last check do not exceed the rate. Shared by the
 * cleaner threads (the limit is per broker, as in Kafka), hence synchronized.
 */
final class Throttler {
    private static final long CHECK_INTERVAL_MS = 100;

    private final double maxBytesPerSecond;
    private final Time time;
    private long periodStartMs;
    private double bytesInPeriod;

    Throttler(double maxBytesPerSecond, Time time) {
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.time = time;
        this.periodStartMs = time.milliseconds();
    }

    void maybeThrottle(long bytes) {
        if (maxBytesPerSecond == Double.MAX_VALUE || Double.isInfinite(maxBytesPerSecond)) {
            return;
        }
        long sleepMs;
        synchronized (this) {
            bytesInPeriod += bytes;
            long now = time.milliseconds();
            long elapsed = now - periodStartMs;
            if (elapsed < CHECK_INTERVAL_MS && bytesInPeriod < maxBytesPerSecond * CHECK_INTERVAL_MS / 1000) {
                return;
            }
            long needed = (long) (bytesInPeriod * 1000 / maxBytesPerSecond);
            sleepMs = Math.max(0, needed - elapsed);
            periodStartMs = now + sleepMs;
            bytesInPeriod = 0;
        }
        if (sleepMs > 0) {
            time.sleep(sleepMs);
        }
    }
}
