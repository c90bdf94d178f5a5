package io.strata.engine.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Per-partition log gauges (Kafka's {@code kafka.log:type=Log} Size, LogStartOffset, LogEndOffset,
 * NumLogSegments, plus the last stable offset lag: high watermark minus LSO, what open transactions hold back from
 * read_committed consumers), tagged by topic and partition. Values are read from the logs at each scrape; which logs are
 * reported is refreshed by {@link #refresh}, called by the broker's checkpoint thread, so a log created or
 * deleted shows up or disappears within one checkpoint interval. Thread-safe.
 */
public final class LogGauges {
    /** What the gauges read from one partition log. */
    public interface LogStats {
        TopicPartition topicPartition();

        long sizeInBytes();

        long logStartOffset();

        long logEndOffset();

        int segmentCount();

        /** High watermark minus last stable offset. */
        default long lastStableOffsetLag() {
            return 0;
        }
    }

    private final MultiGauge size;
    private final MultiGauge startOffset;
    private final MultiGauge endOffset;
    private final MultiGauge segments;
    private final MultiGauge lastStableOffsetLag;

    public LogGauges(MeterRegistry registry) {
        size = MultiGauge.builder("strata.log.size").baseUnit("bytes")
                .description("Bytes of the partition's log segments on this broker").register(registry);
        startOffset = MultiGauge.builder("strata.log.start.offset")
                .description("First offset of the partition's log on this broker").register(registry);
        endOffset = MultiGauge.builder("strata.log.end.offset")
                .description("Offset after the last record of the partition's log on this broker").register(registry);
        segments = MultiGauge.builder("strata.log.segments")
                .description("Segments of the partition's log on this broker").register(registry);
        lastStableOffsetLag = MultiGauge.builder("strata.log.lso.lag")
                .description("High watermark minus last stable offset: offsets open transactions hold back from "
                        + "read_committed consumers").register(registry);
    }

    public synchronized void refresh(Collection<? extends LogStats> logs) {
        register(size, logs, LogStats::sizeInBytes);
        register(startOffset, logs, LogStats::logStartOffset);
        register(endOffset, logs, LogStats::logEndOffset);
        register(segments, logs, LogStats::segmentCount);
        register(lastStableOffsetLag, logs, LogStats::lastStableOffsetLag);
    }

    /** Stops reporting every log (broker stopped). */
    public synchronized void clear() {
        refresh(List.of());
    }

    private static void register(MultiGauge gauge, Collection<? extends LogStats> logs,
                                 ToDoubleFunction<LogStats> value) {
        gauge.register(logs.stream().map(l -> MultiGauge.Row.of(Tags.of("topic", l.topicPartition().topic(),
                "partition", String.valueOf(l.topicPartition().partition())), (LogStats) l, value)).toList(), true);
    }
}
