package io.strata.engine.log.validation;

import io.strata.engine.log.LogTestSupport;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.Crc32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static io.strata.engine.log.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchValidationTest {
    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);
    private PartitionLog log;

    @BeforeEach
    void openLog() throws Exception {
        log = LogTestSupport.open(dir, LogTestSupport.config(Map.of("max.message.bytes", "1024",
                "message.timestamp.before.max.ms", "86400000")), time);
    }

    @AfterEach
    void checkNothingWasWrittenAndClose() {
        assertThat(log.logEndOffset()).as("rejected batches leave the log untouched").isZero();
        log.close();
    }

    private static ByteBuffer copy(MemoryRecords records) {
        ByteBuffer b = ByteBuffer.allocate(records.sizeInBytes());
        b.put(records.buffer().duplicate()).flip();
        return b;
    }

    private static void recomputeCrc(ByteBuffer batch) {
        long crc = Crc32C.compute(batch, BatchHeader.CRC_COVERAGE_START, batch.limit() - BatchHeader.CRC_COVERAGE_START);
        batch.putInt(17, (int) crc);
    }

    @Test
    void aFlippedByteFailsTheCrc() {
        ByteBuffer b = copy(batch(Compression.zstd().build(), T0, "crc", 5));
        b.put(b.limit() - 2, (byte) (b.get(b.limit() - 2) ^ 0x10));
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(b), 0))
                .isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void oldMessageFormatsAreRejected() {
        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE, records(T0, "old", 2));
        assertThatThrownBy(() -> log.appendAsLeader(v1, 0))
                .isInstanceOf(UnsupportedForMessageFormatException.class)
                .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT));
    }

    @Test
    void batchesAboveMaxMessageBytesAreTooLarge() {
        MemoryRecords big = batch(T0, "x".repeat(200), 10);
        assertThat(big.sizeInBytes()).isGreaterThan(1024);
        assertThatThrownBy(() -> log.appendAsLeader(big, 0))
                .isInstanceOf(RecordTooLargeException.class)
                .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.MESSAGE_TOO_LARGE));
    }

    @Test
    void garbledLengthsAreCorrupt() {
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.EMPTY, 0)).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(ByteBuffer.allocate(10)), 0))
                .isInstanceOf(CorruptRecordException.class);

        ByteBuffer claimsMore = copy(batch(T0, "len", 2));
        claimsMore.putInt(8, Integer.MAX_VALUE);
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(claimsMore), 0))
                .isInstanceOf(CorruptRecordException.class);

        ByteBuffer tooShort = copy(batch(T0, "len", 2));
        tooShort.putInt(8, 10);
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(tooShort), 0))
                .isInstanceOf(CorruptRecordException.class);

        ByteBuffer trailing = ByteBuffer.allocate(copy(batch(T0, "len", 2)).limit() + 7);
        trailing.put(copy(batch(T0, "len", 2))).position(0);
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(trailing), 0))
                .isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void inconsistentHeadersAreInvalidRecords() {
        ByteBuffer countMismatch = copy(batch(T0, "count", 3));
        countMismatch.putInt(23, 5); // lastOffsetDelta says 6 records, the count says 3
        recomputeCrc(countMismatch);
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(countMismatch), 0))
                .isInstanceOf(InvalidRecordException.class)
                .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.INVALID_RECORD));

        ByteBuffer two = ByteBuffer.allocate(2 * copy(batch(T0, "two", 1)).limit());
        two.put(copy(batch(T0, "two", 1))).put(copy(batch(T0, "two", 1))).flip();
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(two), 0))
                .isInstanceOf(InvalidRecordException.class);

        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(7L, (short) 0,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0));
        assertThatThrownBy(() -> log.appendAsLeader(marker, 0)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void createTimeOutsideTheAllowedWindowIsRejected() {
        assertThatThrownBy(() -> log.appendAsLeader(batch(T0 + 3_600_001, "future", 1), 0))
                .isInstanceOfSatisfying(RecordValidationException.class,
                        e -> assertThat(e.error()).isEqualTo(Errors.INVALID_TIMESTAMP));
        assertThatThrownBy(() -> log.appendAsLeader(batch(T0 - 86_400_001, "past", 1), 0))
                .isInstanceOfSatisfying(RecordValidationException.class,
                        e -> assertThat(e.error()).isEqualTo(Errors.INVALID_TIMESTAMP));
    }
}
