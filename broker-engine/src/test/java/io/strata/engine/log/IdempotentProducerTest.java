package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.validation.AppendOrigin;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.idempotent;
import static io.strata.engine.log.LogTestSupport.readAll;
import static io.strata.engine.log.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotentProducerTest {
    private static final long PID = 4242L;
    private static final short EPOCH = 3;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);

    private List<Long> snapshots() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> LogFileNames.parseOffset(p.getFileName().toString(), ".snapshot"))
                    .filter(OptionalLong::isPresent).map(OptionalLong::getAsLong).sorted().toList();
        }
    }

    @Test
    void aRetriedBatchIsNotWrittenTwice() throws Exception {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            LogAppendResult first = log.appendAsLeader(idempotent(PID, EPOCH, 0, T0, "a", 5), 0);
            log.appendAsLeader(idempotent(PID, EPOCH, 5, T0, "b", 5), 0);

            LogAppendResult retry = log.appendAsLeader(idempotent(PID, EPOCH, 0, T0, "a", 5), 0);
            assertThat(retry.duplicate()).isTrue();
            assertThat(retry.firstOffset()).isEqualTo(first.firstOffset());
            assertThat(retry.lastOffset()).isEqualTo(first.lastOffset());
            assertThat(log.logEndOffset()).isEqualTo(10);
            assertThat(readAll(log)).hasSize(10);

            LogAppendResult next = log.appendAsLeader(idempotent(PID, EPOCH, 10, T0, "c", 2), 0);
            assertThat(next.duplicate()).isFalse();
            assertThat(next.firstOffset()).isEqualTo(10);
        }
    }

    @Test
    void aProducerTheLogHasNeverSeenMustStartAtSequenceZeroUnlessItExpiredHere() throws Exception {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            // The batch with sequence 0 was refused (e.g. before this broker took up leadership): no gap may open.
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, EPOCH, 5, T0, "after-a-gap", 5), 0))
                    .isInstanceOf(OutOfOrderSequenceException.class).hasMessageContaining("sequence 0");
            assertThat(log.logEndOffset()).isZero();

            log.appendAsLeader(idempotent(PID, EPOCH, 0, T0, "a", 5), 0);
            time.advance(io.strata.engine.log.producer.ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS);
            assertThat(log.removeExpiredProducers(io.strata.engine.log.producer.ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS)).isEqualTo(1);

            // Its state is gone here, so it may resume where it was, as Kafka allows.
            LogAppendResult resumed = log.appendAsLeader(idempotent(PID, EPOCH, 5, T0, "b", 5), 0);
            assertThat(resumed.firstOffset()).isEqualTo(5);
        }
    }

    @Test
    void sequenceGapsAndStaleEpochsAreRejected() throws Exception {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            log.appendAsLeader(idempotent(PID, EPOCH, 0, T0, "a", 5), 0);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, EPOCH, 7, T0, "gap", 1), 0))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) (EPOCH + 1), 5, T0, "new", 1), 0))
                    .as("a new epoch starts at sequence 0").isInstanceOf(OutOfOrderSequenceException.class);

            log.appendAsLeader(idempotent(PID, (short) (EPOCH + 1), 0, T0, "bumped", 1), 0);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, EPOCH, 5, T0, "stale", 1), 0))
                    .isInstanceOf(InvalidProducerEpochException.class);

            // Only the last five batches are remembered: an older retry is out of order, not a duplicate.
            for (int seq = 1; seq <= 6; seq++) {
                log.appendAsLeader(idempotent(PID, (short) (EPOCH + 1), seq, T0, "s" + seq, 1), 0);
            }
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) (EPOCH + 1), 1, T0, "s1", 1), 0))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertThat(log.appendAsLeader(idempotent(PID, (short) (EPOCH + 1), 2, T0, "s2", 1), 0).duplicate()).isTrue();
            assertThat(log.logEndOffset()).isEqualTo(12);
        }
    }

    @Test
    void producerStateSurvivesACleanRestartThroughTheSnapshot() throws Exception {
        PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time);
        log.appendAsLeader(idempotent(PID, EPOCH, 0, T0, "a", 5), 0);
        log.appendAsLeader(idempotent(PID, EPOCH, 5, T0, "b", 5), 0);
        log.close();
        assertThat(snapshots()).containsExactly(10L);

        try (PartitionLog reopened = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            assertThat(reopened.producerState().producer(PID)).hasValueSatisfying(p -> {
                assertThat(p.epoch()).isEqualTo(EPOCH);
                assertThat(p.lastSequence()).isEqualTo(9);
            });
            assertThat(reopened.appendAsLeader(idempotent(PID, EPOCH, 5, T0, "b", 5), 0).duplicate()).isTrue();
            assertThatThrownBy(() -> reopened.appendAsLeader(idempotent(PID, EPOCH, 11, T0, "gap", 1), 0))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertThat(reopened.appendAsLeader(idempotent(PID, EPOCH, 10, T0, "c", 1), 0).firstOffset()).isEqualTo(10);
        }
    }

    @Test
    void producerStateIsRebuiltFromTheLogAfterACrash() throws Exception {
        LogConfig small = LogTestSupport.config(Map.of("segment.bytes", "1024"));
        PartitionLog log = LogTestSupport.open(dir, small, time);
        int seq = 0;
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(idempotent(PID, EPOCH, seq, T0, "r" + i, 3), 0);
            seq += 3;
        }
        log.appendAsLeader(idempotent(PID + 1, (short) 0, 0, T0, "other", 2), 0);
        long rolledSnapshots = snapshots().size();
        assertThat(rolledSnapshots).as("rolls write snapshots").isPositive();
        log.closeWithoutFlush();

        // Path 1: the newest snapshot from a roll plus a replay of the active segment.
        try (PartitionLog reopened = LogTestSupport.open(dir, small, time)) {
            assertThat(reopened.producerState().producer(PID).orElseThrow().lastSequence()).isEqualTo(seq - 1);
            assertThat(reopened.appendAsLeader(idempotent(PID, EPOCH, seq - 3, T0, "r19", 3), 0).duplicate()).isTrue();
            assertThat(reopened.appendAsLeader(idempotent(PID + 1, (short) 0, 0, T0, "other", 2), 0).duplicate()).isTrue();
            reopened.closeWithoutFlush();
        }

        // Path 2: no snapshot at all, so the whole log is replayed.
        for (long offset : snapshots()) {
            Files.delete(LogFileNames.snapshotFile(dir, offset));
        }
        try (PartitionLog rebuilt = LogTestSupport.open(dir, small, time)) {
            assertThat(rebuilt.producerState().batches(PID)).hasSize(5);
            assertThat(rebuilt.appendAsLeader(idempotent(PID, EPOCH, seq - 15, T0, "r15", 3), 0).duplicate()).isTrue();
            assertThat(rebuilt.appendAsLeader(idempotent(PID, EPOCH, seq, T0, "next", 1), 0).firstOffset()).isEqualTo(62);
        }
    }

    @Test
    void anOpenTransactionHoldsBackTheLastStableOffsetUntilItsMarker() throws Exception {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            log.appendAsLeader(LogTestSupport.batch(T0, "plain", 2), 0);
            assertThat(log.producerState().firstUnstableOffset()).isEmpty();
            log.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, PID, EPOCH, 0,
                    records(T0, "txn", 3)), 0);
            log.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, PID, EPOCH, 3,
                    records(T0, "txn2", 1)), 0);
            assertThat(log.producerState().firstUnstableOffset()).isEqualTo(OptionalLong.of(2));

            MemoryRecords commit = MemoryRecords.withEndTransactionMarker(0L, time.milliseconds(), 0, PID, EPOCH,
                    new EndTransactionMarker(ControlRecordType.COMMIT, 1));
            LogAppendResult marker = log.appendAsLeader(commit, 0, AppendOrigin.COORDINATOR);
            assertThat(marker.firstOffset()).isEqualTo(6);
            assertThat(log.producerState().firstUnstableOffset()).isEmpty();
        }
    }
}
