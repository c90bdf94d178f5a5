package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.segment.AbortedTxn;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.validation.AppendOrigin;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static io.strata.engine.log.LogTestSupport.idempotent;
import static io.strata.engine.log.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Producer state, last stable offset and aborted-transaction index of one partition log. */
class TransactionalLogTest {
    private static final long P1 = 1001L;
    private static final long P2 = 1002L;
    private static final short EPOCH = 3;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);

    private static MemoryRecords txn(long pid, int seq, String prefix, int count) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, pid, EPOCH, seq, records(T0, prefix, count));
    }

    private LogAppendResult marker(PartitionLog log, long pid, short epoch, boolean commit, int coordinatorEpoch) {
        return log.appendAsLeader(MemoryRecords.withEndTransactionMarker(time.milliseconds(), pid, epoch,
                new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch)),
                0, AppendOrigin.COORDINATOR);
    }

    private void commitAll(PartitionLog log) {
        log.updateHighWatermark(log.logEndOffset());
    }

    @Test
    void anOpenTransactionHoldsBackTheLastStableOffsetUntilItsMarkerIsBelowTheHighWatermark() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            log.appendAsLeader(batch(T0, "plain", 2), 0);
            log.appendAsLeader(txn(P1, 0, "txn", 3), 0); // offsets 2-4
            log.appendAsLeader(batch(T0, "plain", 1), 0); // 5
            commitAll(log);
            assertThat(log.lastStableOffset()).isEqualTo(2);
            assertThat(log.lastStableOffsetLag()).isEqualTo(4);

            assertThat(marker(log, P1, EPOCH, true, 0).firstOffset()).isEqualTo(6);
            assertThat(log.highWatermark()).isEqualTo(6);
            assertThat(log.lastStableOffset()).as("the marker may still be truncated away").isEqualTo(2);
            commitAll(log);
            assertThat(log.lastStableOffset()).isEqualTo(7);
        }
    }

    @Test
    void anAbortIsIndexedWithTheLastStableOffsetOfTheTransactionsStillOpen() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            log.appendAsLeader(txn(P1, 0, "one", 2), 0); // 0-1
            log.appendAsLeader(txn(P2, 0, "two", 2), 0); // 2-3
            marker(log, P1, EPOCH, false, 0); // 4
            marker(log, P2, EPOCH, true, 0); // 5: a commit is not indexed
            marker(log, P2, EPOCH, false, 0); // 6: no open transaction, nothing to index
            log.appendAsLeader(txn(P2, 2, "three", 1), 0); // 7
            marker(log, P2, EPOCH, false, 0); // 8
            commitAll(log);

            assertThat(log.abortedTransactions(0, 9)).containsExactly(new AbortedTxn(P1, 0, 4, 2),
                    new AbortedTxn(P2, 7, 8, 9));
            assertThat(log.abortedTransactions(5, 9)).containsExactly(new AbortedTxn(P2, 7, 8, 9));
            assertThat(log.abortedTransactions(0, 2)).containsExactly(new AbortedTxn(P1, 0, 4, 2));
            assertThat(log.lastStableOffset()).isEqualTo(9);
        }
    }

    @Test
    void afterAMarkerThatBumpsTheEpochTheNextTransactionMustStartAtSequenceZero() throws IOException {
        // Transaction version 2: the marker carries the bumped epoch, and the producer's next transaction writes with
        // it from sequence 0. Were a later pipelined batch accepted while its first one is being retried, that first
        // batch would never fit again and the producer could not commit.
        short bumped = (short) (EPOCH + 1);
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            log.appendAsLeader(txn(P1, 0, "one", 2), 0);
            marker(log, P1, bumped, true, 0);
            long end = log.logEndOffset();

            assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, P1,
                    bumped, 5, records(T0, "later", 2)), 0)).isInstanceOf(OutOfOrderSequenceException.class);
            assertThat(log.logEndOffset()).isEqualTo(end);
            log.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, P1, bumped, 0,
                    records(T0, "first", 5)), 0);
            log.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, P1, bumped, 5,
                    records(T0, "later", 2)), 0);
            assertThat(log.logEndOffset()).isEqualTo(end + 7);
        }
    }

    @Test
    void aMarkerFromAnOlderCoordinatorEpochOrForAnOlderProducerEpochIsRefused() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            log.appendAsLeader(txn(P1, 0, "one", 2), 0);
            marker(log, P1, EPOCH, true, 5);
            log.appendAsLeader(txn(P1, 2, "two", 2), 0);
            long end = log.logEndOffset();

            assertThatThrownBy(() -> marker(log, P1, EPOCH, false, 4))
                    .isInstanceOf(TransactionCoordinatorFencedException.class);
            assertThatThrownBy(() -> marker(log, P1, (short) (EPOCH - 1), false, 5))
                    .isInstanceOf(InvalidProducerEpochException.class);
            assertThat(log.logEndOffset()).isEqualTo(end);
            assertThat(log.producerState().firstUnstableOffset()).isEqualTo(OptionalLong.of(3));

            marker(log, P1, EPOCH, false, 6); // a newer coordinator may end it
            assertThat(log.producerState().firstUnstableOffset()).isEmpty();
            assertThat(log.producerState().producer(P1).orElseThrow().coordinatorEpoch()).isEqualTo(6);
        }
    }

    @Test
    void aNonTransactionalWriteInsideAnOpenTransactionIsRefused() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            log.appendAsLeader(txn(P1, 0, "txn", 3), 0);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(P1, EPOCH, 3, T0, "plain", 1), 0))
                    .isInstanceOf(InvalidTxnStateException.class);
            assertThat(log.logEndOffset()).isEqualTo(3);
        }
    }

    @Test
    void truncationBelowAnAbortMarkerDropsItsIndexEntryAndReopensTheTransaction() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            log.appendAsLeader(txn(P1, 0, "txn", 3), 0);
            marker(log, P1, EPOCH, false, 0); // 3
            assertThat(log.abortedTransactions(0, 4)).hasSize(1);

            log.truncateTo(3);
            assertThat(log.abortedTransactions(0, 4)).isEmpty();
            assertThat(log.producerState().firstUnstableOffset()).isEqualTo(OptionalLong.of(0));
            assertThat(Files.size(LogFileNames.txnIndexFile(dir, 0))).isZero();

            marker(log, P1, EPOCH, false, 0); // ends it again, indexed again
            assertThat(log.abortedTransactions(0, 4)).containsExactly(new AbortedTxn(P1, 0, 3, 4));
        }
    }

    @Test
    void recoveryAfterACrashRebuildsALostTxnIndex() throws IOException {
        LogConfig small = LogTestSupport.config(Map.of("segment.bytes", "1024"));
        long abortOffset;
        try (PartitionLog log = LogTestSupport.open(dir, small, time)) {
            log.appendAsLeader(txn(P1, 0, "txn", 2), 0);
            log.appendAsLeader(txn(P2, 0, "open", 1), 0); // 2: still open at the crash
            abortOffset = marker(log, P1, EPOCH, false, 0).firstOffset();
            while (log.segmentCount() < 3) {
                log.appendAsLeader(batch(T0, "plain", 10), 0);
            }
            log.closeWithoutFlush();
        }
        Files.delete(LogFileNames.txnIndexFile(dir, 0));
        try (PartitionLog log = LogTestSupport.open(dir, small, time)) {
            assertThat(log.abortedTransactions(0, log.logEndOffset()))
                    .containsExactly(new AbortedTxn(P1, 0, abortOffset, 2));
            assertThat(LogFileNames.txnIndexFile(dir, 0)).exists();
            assertThat(log.producerState().firstUnstableOffset()).isEqualTo(OptionalLong.of(2));
        }
    }

    @Test
    void aGracefulRestartKeepsTheOpenTransactionAndTheCoordinatorEpoch() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            log.appendAsLeader(txn(P1, 0, "one", 2), 0);
            marker(log, P1, EPOCH, true, 5); // 2
            log.appendAsLeader(txn(P1, 2, "two", 2), 0); // 3-4
            commitAll(log);
        }
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            assertThat(log.lastStableOffset()).isEqualTo(3);
            assertThatThrownBy(() -> marker(log, P1, EPOCH, false, 4))
                    .isInstanceOf(TransactionCoordinatorFencedException.class);
        }
    }

    @Test
    void retentionDeletesATxnIndexWithItsSegment() throws IOException {
        LogConfig config = LogTestSupport.config(Map.of("segment.bytes", "1024", "retention.ms", "1000",
                "file.delete.delay.ms", "0"));
        try (PartitionLog log = LogTestSupport.open(dir, config, time)) {
            log.appendAsLeader(txn(P1, 0, "txn", 2), 0);
            marker(log, P1, EPOCH, false, 0);
            while (log.segmentCount() < 2) {
                log.appendAsLeader(batch(time.milliseconds(), "plain", 10), 0);
            }
            commitAll(log);
            LogSegment first = log.segmentsSnapshot().get(0);
            assertThat(first.txnIndex().entries()).hasSize(1);
            time.advance(10_000);
            log.appendAsLeader(batch(time.milliseconds(), "fresh", 1), 0);
            commitAll(log);

            assertThat(log.deleteOldSegments(time.milliseconds()).deletesAnything()).isTrue();
            assertThat(LogFileNames.txnIndexFile(dir, 0)).doesNotExist();
            assertThat(log.abortedTransactions(log.logStartOffset(), log.logEndOffset())).isEmpty();
        }
    }
}
