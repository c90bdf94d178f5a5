package io.strata.engine.log.cleaner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.utils.Time;

import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The log cleaner's meters (Kafka's kafka.log:type=LogCleaner and LogCleanerManager metrics): the highest dirty
 * ratio of the last selection, how long the last clean took, bytes read and written by cleans, and the time
 * since a cleaner thread last ran a selection pass. Written by the cleaner threads.
 */
final class CleanerMetrics {
    static final List<String> NAMES = List.of("strata.log.cleaner.max.dirty.ratio", "strata.log.cleaner.last.clean.duration",
            "strata.log.cleaner.time.since.last.run", "strata.log.cleaner.bytes.read", "strata.log.cleaner.bytes.written");
    private final Time time;
    private final Counter bytesRead;
    private final Counter bytesWritten;
    private volatile long lastCleanDurationMs;
    private volatile long lastRunMs;

    CleanerMetrics(MeterRegistry registry, Time time, DoubleSupplier maxDirtyRatio) {
        this.time = time;
        this.lastRunMs = time.milliseconds();
        for (String name : NAMES) { // a broker started again on the same registry: bind the meters to this cleaner
            registry.find(name).meters().forEach(registry::remove);
        }
        Gauge.builder("strata.log.cleaner.max.dirty.ratio", maxDirtyRatio::getAsDouble)
                .description("Highest dirty ratio among compacted logs at the last selection").register(registry);
        Gauge.builder("strata.log.cleaner.last.clean.duration", () -> lastCleanDurationMs)
                .description("Duration of the last clean").baseUnit("milliseconds").register(registry);
        Gauge.builder("strata.log.cleaner.time.since.last.run", () -> time.milliseconds() - lastRunMs)
                .description("Time since a cleaner thread last looked for a log to clean").baseUnit("milliseconds")
                .register(registry);
        bytesRead = Counter.builder("strata.log.cleaner.bytes.read").baseUnit("bytes")
                .description("Bytes read by log cleans").register(registry);
        bytesWritten = Counter.builder("strata.log.cleaner.bytes.written").baseUnit("bytes")
                .description("Bytes written by log cleans").register(registry);
    }

    void ran() {
        lastRunMs = time.milliseconds();
    }

    void cleaned(long durationMs, long read, long written) {
        lastCleanDurationMs = durationMs;
        bytesRead.increment(read);
        bytesWritten.increment(written);
    }
}
