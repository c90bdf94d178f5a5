package io.strata.engine.cluster;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.LogTestSupport;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.testing.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The leader's high watermark over the ISR, with ISR changes in flight (Kafka's maximal ISR). */
class PartitionHighWatermarkTest {
    private static final PartitionListener NO_LISTENER = new PartitionListener() {
        @Override
        public void onHighWatermarkAdvanced(Partition partition) {
        }

        @Override
        public void onLeadershipChanged(Partition partition) {
        }
    };

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(LogTestSupport.T0);
    private final List<PartitionMetadata> proposals = new ArrayList<>();
    private PartitionLog log;

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void aFollowerAnExpansionInFlightAddsHoldsTheHighWatermarkBack() throws Exception {
        Partition partition = leaderOf(List.of(0, 1, 2), List.of(0, 1));
        append(partition, 4);
        fetch(partition, 1, 4);
        assertThat(log.highWatermark()).isEqualTo(4);

        fetch(partition, 2, 4); // caught up: the leader proposes ISR [0, 1, 2], not yet committed
        assertThat(proposals).singleElement().satisfies(p -> assertThat(p.isr()).containsExactly(0, 1, 2));
        append(partition, 3);
        fetch(partition, 1, 7);

        assertThat(log.highWatermark()).as("broker 2 is in the maximal ISR and has only 4").isEqualTo(4);
        fetch(partition, 2, 7);
        assertThat(log.highWatermark()).isEqualTo(7);
    }

    @Test
    void aShrinkInFlightDoesNotLetTheHighWatermarkPassTheMemberItDrops() throws Exception {
        Partition partition = leaderOf(List.of(0, 1, 2), List.of(0, 1, 2));
        append(partition, 4);
        fetch(partition, 1, 4);
        fetch(partition, 2, 4);
        time.advance(60_000);
        fetch(partition, 1, 4);

        partition.maybeShrinkIsr(time.milliseconds(), 30_000); // proposes [0, 1]; the store has not answered
        assertThat(proposals).singleElement().satisfies(p -> assertThat(p.isr()).containsExactly(0, 1));
        append(partition, 3);
        fetch(partition, 1, 7);

        assertThat(log.highWatermark()).as("the committed ISR still holds broker 2").isEqualTo(4);
    }

    private Partition leaderOf(List<Integer> replicas, List<Integer> isr) throws Exception {
        log = PartitionLog.open(dir, LogTestSupport.TP, LogTestSupport.TOPIC_ID, LogConfig.defaults(), time);
        return new Partition(LogTestSupport.TP, LogTestSupport.TOPIC_ID, log, 0,
                new PartitionMetadata(0, 0, 1, replicas, isr, 1), NO_LISTENER,
                (p, expectedEpoch, proposed) -> proposals.add(proposed), (id, epoch) -> true, time.milliseconds());
    }

    private void append(Partition partition, int records) {
        partition.appendAsLeader(LogTestSupport.batch(LogTestSupport.T0, "r", records));
        partition.makeDurable(log.logEndOffset());
    }

    private void fetch(Partition partition, int follower, long offset) {
        partition.updateFollowerFetchState(follower, -1, offset, log.logEndOffset(), time.milliseconds());
    }
}
