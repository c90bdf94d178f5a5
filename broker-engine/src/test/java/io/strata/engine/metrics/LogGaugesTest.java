package io.strata.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LogGaugesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LogGauges gauges = new LogGauges(registry);

    @Test
    void gaugesReadTheLogAtEachScrapeAndFollowTheSetOfLogs() {
        AtomicLong end = new AtomicLong(10);
        FakeLog first = new FakeLog(new TopicPartition("t", 0), end);
        FakeLog second = new FakeLog(new TopicPartition("t", 1), new AtomicLong(3));
        gauges.refresh(List.of(first, second));

        assertThat(value("strata.log.end.offset", "0")).isEqualTo(10);
        end.set(42);
        assertThat(value("strata.log.end.offset", "0")).isEqualTo(42);
        assertThat(value("strata.log.size", "1")).isEqualTo(300);
        assertThat(value("strata.log.start.offset", "1")).isEqualTo(1);
        assertThat(value("strata.log.segments", "1")).isEqualTo(2);
        assertThat(value("strata.log.lso.lag", "1")).isEqualTo(0);

        gauges.refresh(List.of(second));
        assertThat(registry.find("strata.log.end.offset").tag("partition", "0").gauge()).isNull();

        gauges.clear();
        assertThat(registry.find("strata.log.size").gauges()).isEmpty();
    }

    @Test
    void aRefreshWithTheSamePartitionsKeepsTheGaugesAndReadsALogReCreatedSince() {
        TopicPartition tp = new TopicPartition("t", 0);
        gauges.refresh(List.of(new FakeLog(tp, new AtomicLong(10))));
        Gauge before = registry.find("strata.log.end.offset").tags("topic", "t", "partition", "0").gauge();

        gauges.refresh(List.of(new FakeLog(tp, new AtomicLong(7)))); // the topic deleted and created again

        assertThat(registry.find("strata.log.end.offset").tags("topic", "t", "partition", "0").gauge())
                .isSameAs(before);
        assertThat(value("strata.log.end.offset", "0")).isEqualTo(7);
        assertThat(registry.find("strata.log.end.offset").gauges()).hasSize(1);
    }

    private double value(String name, String partition) {
        Gauge gauge = registry.find(name).tags("topic", "t", "partition", partition).gauge();
        assertThat(gauge).as(name + " of partition " + partition).isNotNull();
        return gauge.value();
    }

    private record FakeLog(TopicPartition topicPartition, AtomicLong end) implements LogGauges.LogStats {
        @Override
        public long sizeInBytes() {
            return end.get() * 100;
        }

        @Override
        public long logStartOffset() {
            return 1;
        }

        @Override
        public long logEndOffset() {
            return end.get();
        }

        @Override
        public int segmentCount() {
            return 2;
        }
    }
}
