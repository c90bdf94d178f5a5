package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.producer.VerificationGuard;
import io.strata.engine.log.validation.AppendOrigin;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** KIP-890 part 1 on one partition log: which transactional batches the verification guard lets in. */
class TransactionVerificationGuardTest {
    private static final long PID = 2001L;
    private static final short EPOCH = 4;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);

    private static MemoryRecords txn(short epoch, int seq, String prefix) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, PID, epoch, seq, records(T0, prefix, 2));
    }

    private static LogAppendResult append(PartitionLog log, MemoryRecords records, VerificationGuard guard) {
        return log.appendAsLeader(records, 0, AppendOrigin.CLIENT, false, guard);
    }

    private void abort(PartitionLog log, short epoch) {
        log.appendAsLeader(MemoryRecords.withEndTransactionMarker(time.milliseconds(), PID, epoch,
                new EndTransactionMarker(ControlRecordType.ABORT, 0)), 0, AppendOrigin.COORDINATOR);
    }

    @Test
    void aTransactionalBatchThatWouldStartATransactionIsRefusedWithoutAGuardAndAppendsNothing() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            assertThatThrownBy(() -> append(log, txn(EPOCH, 0, "late"), VerificationGuard.NONE))
                    .isInstanceOf(InvalidTxnStateException.class);
            assertThat(log.logEndOffset()).isZero();
            assertThat(log.producerState().ongoingTransactionCount()).isZero();
        }
    }

    @Test
    void theGuardHandedOutBeforeVerificationAdmitsTheBatchAndEndsWithIt() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            VerificationGuard guard = log.startTransactionVerification(PID, EPOCH);
            assertThat(guard.isGuard()).isTrue();
            assertThat(log.startTransactionVerification(PID, EPOCH)).as("in-flight batches share it").isSameAs(guard);

            append(log, txn(EPOCH, 0, "first"), guard);
            assertThat(log.producerState().ongoingTransactionCount()).isEqualTo(1);
            assertThat(log.producerState().pendingVerificationCount()).isZero();
            assertThat(log.startTransactionVerification(PID, EPOCH)).as("ongoing: nothing to verify")
                    .isSameAs(VerificationGuard.NONE);
            append(log, txn(EPOCH, 2, "second"), VerificationGuard.NONE);
            assertThat(log.logEndOffset()).isEqualTo(4);
        }
    }

    @Test
    void aMarkerBetweenVerificationAndAppendMakesTheAppendFailInsteadOfReopeningTheTransaction() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            append(log, txn(EPOCH, 0, "open"), log.startTransactionVerification(PID, EPOCH));
            VerificationGuard guard = log.startTransactionVerification(PID, EPOCH);
            assertThat(guard).isSameAs(VerificationGuard.NONE);
            abort(log, EPOCH); // the coordinator aborted (timeout) while a late batch was on its way

            VerificationGuard late = log.startTransactionVerification(PID, EPOCH);
            abort(log, EPOCH); // a marker lands between verification and append
            long end = log.logEndOffset();
            assertThatThrownBy(() -> append(log, txn(EPOCH, 2, "late"), late))
                    .isInstanceOf(InvalidTxnStateException.class);
            assertThat(log.logEndOffset()).isEqualTo(end);
            assertThat(log.producerState().ongoingTransactionCount()).isZero();
        }
    }

    @Test
    void aGuardForTheNextTransactionsBumpedEpochSurvivesTheMarkerThatEndsThePreviousOne() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            append(log, txn(EPOCH, 0, "previous"), log.startTransactionVerification(PID, EPOCH));
            short next = (short) (EPOCH + 1);
            // The producer's next transaction (transaction version 2: one epoch further) sends before the
            // previous one's marker, written with that bumped epoch, lands here.
            VerificationGuard early = log.startTransactionVerification(PID, next);
            abort(log, next);
            assertThat(log.startTransactionVerification(PID, next)).as("still the pending guard").isSameAs(early);
            append(log, txn(next, 0, "next"), early);
            assertThat(log.producerState().ongoingTransactionCount()).isEqualTo(1);
        }
    }

    @Test
    void aMarkerEndingNoTransactionHereStillEndsAGuardOfItsEpoch() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            short next = (short) (EPOCH + 1);
            VerificationGuard early = log.startTransactionVerification(PID, next);
            // Nothing of the ended transaction is here, so nothing shows which epoch its batches had: the guard
            // could be a stale verification of that very transaction.
            abort(log, next);
            assertThatThrownBy(() -> append(log, txn(next, 0, "late"), early))
                    .isInstanceOf(InvalidTxnStateException.class);
            assertThat(log.logEndOffset()).as("only the marker").isEqualTo(1);
        }
    }

    @Test
    void aGuardOfAnOlderEpochDoesNotAdmitANewerEpochsBatch() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            VerificationGuard old = log.startTransactionVerification(PID, EPOCH);
            VerificationGuard newer = log.startTransactionVerification(PID, (short) (EPOCH + 1));
            assertThat(newer).isNotSameAs(old);
            assertThatThrownBy(() -> append(log, txn((short) (EPOCH + 1), 0, "x"), old))
                    .isInstanceOf(InvalidTxnStateException.class);
            append(log, txn((short) (EPOCH + 1), 0, "x"), newer);
            assertThat(log.producerState().ongoingTransactionCount()).isEqualTo(1);
        }
    }

    @Test
    void uncheckedAppendsSkipVerificationAsWhenItIsDisabled() throws IOException {
        try (PartitionLog log = LogTestSupport.open(dir, LogConfig.defaults(), time)) {
            append(log, txn(EPOCH, 0, "unverified"), VerificationGuard.UNCHECKED);
            assertThat(log.producerState().ongoingTransactionCount()).isEqualTo(1);
        }
    }
}
