package io.strata.engine.group;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Group coordinator metrics: groups per state, completed rebalances, committed offsets, and consumer lag
 * per group, topic and partition (high watermark minus committed offset). Counters are thread-safe;
 * {@link #refresh} (synchronized) runs once every shard has reported, on a request thread, and is the only
 * writer of the gauge snapshots.
 */
public final class GroupMetrics {
    private final Counter rebalances;
    private final Counter commits;
    private final MultiGauge lag;
    private final ToLongFunction<TopicPartition> highWatermark;
    private final Map<GroupState, Integer> byState = new java.util.concurrent.ConcurrentHashMap<>();

    public GroupMetrics(MeterRegistry registry, ToLongFunction<TopicPartition> highWatermark) {
        this.highWatermark = highWatermark;
        this.rebalances = Counter.builder("strata.group.rebalances")
                .description("Completed join phases of classic groups").register(registry);
        this.commits = Counter.builder("strata.group.offset.commits")
                .description("Offsets committed to the group coordinator").register(registry);
        this.lag = MultiGauge.builder("strata.group.consumer.lag")
                .description("Records between a group's committed offset and the partition's high watermark")
                .register(registry);
        for (GroupState state : GroupState.values()) {
            byState.put(state, 0);
            Gauge.builder("strata.group.count", byState, m -> m.getOrDefault(state, 0))
                    .description("Groups this broker coordinates, by state")
                    .tag("state", state.displayName())
                    .register(registry);
        }
    }

    void rebalanceCompleted() {
        rebalances.increment();
    }

    void offsetsCommitted(int count) {
        commits.increment(count);
    }

    /** A committed offset of a group, captured for the lag gauge. */
    record Committed(String group, TopicPartition partition, long offset) {
    }

    /** Replaces the per-state counts and the set of lag series; lag values are read live at scrape time. */
    synchronized void refresh(Map<GroupState, Integer> counts, Collection<Committed> committed) {
        for (GroupState state : GroupState.values()) {
            byState.put(state, counts.getOrDefault(state, 0));
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (Committed c : committed) {
            rows.add(MultiGauge.Row.of(Tags.of("group", c.group(), "topic", c.partition().topic(),
                    "partition", Integer.toString(c.partition().partition())), c, this::lagOf));
        }
        lag.register(rows, true);
    }

    private double lagOf(Committed c) {
        long hw = highWatermark.applyAsLong(c.partition());
        return hw < 0 ? Double.NaN : Math.max(0, hw - c.offset());
    }
}
