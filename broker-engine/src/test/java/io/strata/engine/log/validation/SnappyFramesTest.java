package io.strata.engine.log.validation;

import io.strata.engine.log.LogTestSupport;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.internals.Crc32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** snappy-java allocates from declared lengths; these batches would make it allocate hundreds of MiB. */
class SnappyFramesTest {
    private static final int RECORDS = BatchHeader.SIZE;
    /** After the 16-byte xerial header: the first chunk's int32 length. */
    private static final int FIRST_CHUNK_LENGTH = RECORDS + 16;

    @TempDir
    Path dir;

    @Test
    void aSnappyBatchAsKafkaClientsWriteItPasses() {
        ByteBuffer records = records(snappyBatch());
        assertThat(SnappyFrames.check(records)).isNull();
    }

    @Test
    void aChunkClaimingMoreBytesThanTheBatchHoldsIsRefusedBeforeDecompression() throws Exception {
        ByteBuffer batch = snappyBatch();
        batch.putInt(FIRST_CHUNK_LENGTH, 400 << 20);
        assertRefused(batch, "declares 419430400 bytes");
    }

    @Test
    void aBlockClaimingAnImpossibleUncompressedSizeIsRefused() throws Exception {
        ByteBuffer batch = snappyBatch();
        int block = FIRST_CHUNK_LENGTH + 4;
        // Varint 0x7fffffff: far more than any chunk of this size can expand to.
        batch.put(block, (byte) 0xff).put(block + 1, (byte) 0xff).put(block + 2, (byte) 0xff)
                .put(block + 3, (byte) 0xff).put(block + 4, (byte) 0x07);
        assertRefused(batch, "more than snappy can encode");
    }

    @Test
    void aRawBlockWithoutTheXerialHeaderIsHeldToItsSizeToo() throws Exception {
        ByteBuffer batch = snappyBatch();
        batch.put(RECORDS, (byte) 0xff).put(RECORDS + 1, (byte) 0xff).put(RECORDS + 2, (byte) 0xff)
                .put(RECORDS + 3, (byte) 0xff).put(RECORDS + 4, (byte) 0x0f);
        assertRefused(batch, "raw snappy block");
    }

    private void assertRefused(ByteBuffer batch, String reason) throws Exception {
        batch.putInt(17, (int) Crc32C.compute(batch, BatchHeader.CRC_COVERAGE_START,
                batch.limit() - BatchHeader.CRC_COVERAGE_START));
        try (PartitionLog log = LogTestSupport.open(dir, LogTestSupport.config(Map.of()), new ManualTime(T0))) {
            assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(batch), 0))
                    .isInstanceOfSatisfying(RecordValidationException.class, e -> {
                        assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD);
                        assertThat(e.recordErrors()).singleElement()
                                .satisfies(r -> assertThat(r.message()).contains(reason));
                    });
            assertThat(log.logEndOffset()).isZero();
        }
    }

    private static ByteBuffer snappyBatch() {
        MemoryRecords records = batch(Compression.snappy().build(), T0, "snappy-record-", 20);
        ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
        return copy.put(records.buffer().duplicate()).flip();
    }

    private static ByteBuffer records(ByteBuffer batch) {
        return batch.duplicate().position(RECORDS).slice();
    }
}
