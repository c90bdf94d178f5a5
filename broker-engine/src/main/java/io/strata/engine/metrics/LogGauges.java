package io.strata.engine.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** The logs reported, by partition; replaced (never mutated) by {@link #refresh}, read by the gauges. */
    private volatile Map<TopicPartition, LogStats> current = Map.of();

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

    /**
     * Makes the gauges report {@code logs}. Only a change in the set of partitions touches the registry: a gauge
     * reads its partition's log through the map this replaces, so a log re-created for the same partition is read
     * at the next scrape without re-registering. Re-registering every gauge at every refresh cost a meter removal
     * and creation per gauge every few seconds, and kept the JIT recompiling the registry's code under load.
     */
    public synchronized void refresh(Collection<? extends LogStats> logs) {
        Map<TopicPartition, LogStats> next = new HashMap<>(Math.max(4, logs.size() * 2));
        for (LogStats log : logs) {
            next.put(log.topicPartition(), log);
        }
        boolean samePartitions = next.keySet().equals(current.keySet());
        current = next;
        if (!samePartitions) {
            register(size, next.keySet(), LogStats::sizeInBytes);
            register(startOffset, next.keySet(), LogStats::logStartOffset);
            register(endOffset, next.keySet(), LogStats::logEndOffset);
            register(segments, next.keySet(), LogStats::segmentCount);
            register(lastStableOffsetLag, next.keySet(), LogStats::lastStableOffsetLag);
        }
    }

    /** Stops reporting every log (broker stopped). */
    public synchronized void clear() {
        refresh(List.of());
    }

    /** Rows of partitions already reported keep their gauge; new ones get one, and gone ones lose theirs. */
    private void register(MultiGauge gauge, Collection<TopicPartition> partitions, ToDoubleFunction<LogStats> value) {
        gauge.register(partitions.stream().map(tp -> MultiGauge.Row.of(Tags.of("topic", tp.topic(),
                "partition", String.valueOf(tp.partition())), tp, (TopicPartition p) -> read(p, value))).toList(),
                false);
    }

    private double read(TopicPartition tp, ToDoubleFunction<LogStats> value) {
        LogStats log = current.get(tp);
        return log == null ? Double.NaN : value.applyAsDouble(log);
    }
}
