package io.strata.engine.log.checkpoint;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.LogTestSupport;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.log.checkpoint.LeaderEpochCache.EpochEndOffset;
import io.strata.engine.log.checkpoint.LeaderEpochCache.EpochEntry;
import io.strata.engine.testing.ManualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaderEpochCacheTest {
    @TempDir
    Path dir;

    @Test
    void checkpointRoundTripsInKafkasTextFormat() throws Exception {
        Path file = dir.resolve(LogFileNames.LEADER_EPOCH_CHECKPOINT);
        LeaderEpochCache cache = LeaderEpochCache.load(file);
        assertThat(cache.latestEpoch()).isEmpty();
        cache.assign(0, 0);
        cache.assign(0, 5); // same epoch later: no change
        cache.assign(2, 100);
        cache.assign(5, 250);
        assertThat(Files.readAllLines(file)).containsExactly("0", "3", "0 0", "2 100", "5 250");

        LeaderEpochCache reloaded = LeaderEpochCache.load(file);
        assertThat(reloaded.entries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 100),
                new EpochEntry(5, 250));
        assertThat(reloaded.latestEpoch()).isEqualTo(OptionalInt.of(5));

        Files.writeString(file, "0\n2\n1 10\n");
        assertThatThrownBy(() -> LeaderEpochCache.load(file)).isInstanceOf(CheckpointFile.CorruptCheckpointException.class);
    }

    @Test
    void endOffsetForFollowsOffsetsForLeaderEpochSemantics() throws Exception {
        LeaderEpochCache cache = LeaderEpochCache.load(dir.resolve(LogFileNames.LEADER_EPOCH_CHECKPOINT));
        assertThat(cache.endOffsetFor(0, 0)).isEqualTo(new EpochEndOffset(-1, -1));
        cache.assign(2, 10);
        cache.assign(4, 100);
        cache.assign(7, 300);

        assertThat(cache.endOffsetFor(7, 420)).as("latest epoch ends at the log end").isEqualTo(new EpochEndOffset(7, 420));
        assertThat(cache.endOffsetFor(4, 420)).isEqualTo(new EpochEndOffset(4, 300));
        assertThat(cache.endOffsetFor(5, 420)).as("unknown epoch between: the largest below")
                .isEqualTo(new EpochEndOffset(4, 300));
        assertThat(cache.endOffsetFor(2, 420)).isEqualTo(new EpochEndOffset(2, 100));
        assertThat(cache.endOffsetFor(1, 420)).as("older than every known epoch: start of the first known")
                .isEqualTo(new EpochEndOffset(1, 10));
        assertThat(cache.endOffsetFor(8, 420)).isEqualTo(new EpochEndOffset(-1, -1));
        assertThat(cache.endOffsetFor(-1, 420)).isEqualTo(new EpochEndOffset(-1, -1));

        assertThat(cache.epochForOffset(9)).isEqualTo(-1);
        assertThat(cache.epochForOffset(10)).isEqualTo(2);
        assertThat(cache.epochForOffset(299)).isEqualTo(4);
        assertThat(cache.epochForOffset(5_000)).isEqualTo(7);

        cache.truncateFromEnd(100);
        assertThat(cache.entries()).containsExactly(new EpochEntry(2, 10));
        cache.assign(3, 50);
        cache.truncateFromStart(60);
        assertThat(cache.entries()).containsExactly(new EpochEntry(3, 60));
    }

    @Test
    void theLogRecordsEpochsAsBatchesArriveAndRebuildsALostCheckpoint() throws Exception {
        ManualTime time = new ManualTime(T0);
        PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        log.appendAsLeader(batch(T0, "a", 3), 1);
        log.appendAsLeader(batch(T0, "b", 3), 1);
        log.appendAsLeader(batch(T0, "c", 3), 4);
        List<EpochEntry> expected = List.of(new EpochEntry(1, 0), new EpochEntry(4, 6));
        assertThat(log.leaderEpochCache().entries()).isEqualTo(expected);
        log.close();

        Files.delete(dir.resolve(LogFileNames.LEADER_EPOCH_CHECKPOINT));
        try (PartitionLog reopened = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            assertThat(reopened.leaderEpochCache().entries()).isEqualTo(expected);
            assertThat(reopened.leaderEpochCache().endOffsetFor(1, reopened.logEndOffset()))
                    .isEqualTo(new EpochEndOffset(1, 6));
        }
    }
}
