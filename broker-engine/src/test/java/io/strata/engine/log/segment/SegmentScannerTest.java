package io.strata.engine.log.segment;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentScannerTest {
    @TempDir
    Path dir;

    @Test
    void aRunOfSmallBatchesIsReadInOneBlock() throws IOException {
        try (FileChannel channel = file()) {
            long offset = 0;
            for (int i = 0; i < 20; i++) {
                offset = write(channel, offset, 2, 50); // about 170 bytes a batch: 20 fit one 8 KiB block
            }
            SegmentScanner scanner = new SegmentScanner(channel, 0, channel.size());
            assertThat(baseOffsets(scanner)).hasSize(20).startsWith(0L, 2L, 4L).endsWith(38L);
            assertThat(scanner.reads()).isEqualTo(1);
        }
    }

    @Test
    void afterABatchLargerThanABlockOnlyTheNextHeaderIsRead() throws IOException {
        try (FileChannel channel = file()) {
            long offset = 0;
            for (int i = 0; i < 10; i++) {
                offset = write(channel, offset, 16, 1024); // about 16.6 KiB a batch
            }
            offset = write(channel, offset, 1, 10); // small batches after the large ones are read ahead again
            offset = write(channel, offset, 1, 10);
            write(channel, offset, 1, 10);
            SegmentScanner scanner = new SegmentScanner(channel, 0, channel.size());
            List<Long> offsets = baseOffsets(scanner);
            assertThat(offsets).hasSize(13).startsWith(0L, 16L).endsWith(160L, 161L, 162L);
            // a block at the start (the first header), a header read after each of the 10 large batches, then a
            // block again after the first small one, which covers the last two
            assertThat(scanner.reads()).isEqualTo(12);
            assertThat(scanner.bytesRead()).as("two blocks and 10 headers, not a block per large batch")
                    .isLessThanOrEqualTo(2 * 8192 + 10 * BatchHeader.SIZE);
        }
    }

    @Test
    void aHeaderCutOffAfterALargeBatchIsStillCorruption() throws IOException {
        try (FileChannel channel = file()) {
            long offset = write(channel, 0, 16, 1024);
            write(channel, offset, 1, 10);
            long cut = channel.size() - 30; // the second batch's header runs past the scanned end
            SegmentScanner scanner = new SegmentScanner(channel, 0, cut);
            assertThat(scanner.next().baseOffset()).isZero();
            assertThatThrownBy(scanner::next).isInstanceOf(CorruptRecordException.class);
        }
    }

    private FileChannel file() throws IOException {
        return FileChannel.open(dir.resolve("00000000000000000000.log"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Appends a batch of {@code records} records of {@code valueSize} bytes; returns the next offset. */
    private static long write(FileChannel channel, long baseOffset, int records, int valueSize) throws IOException {
        SimpleRecord[] batch = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            batch[i] = new SimpleRecord(1_700_000_000_000L, new byte[valueSize]);
        }
        ByteBuffer bytes = MemoryRecords.withRecords(baseOffset, Compression.NONE, batch).buffer();
        while (bytes.hasRemaining()) {
            channel.write(bytes, channel.size());
        }
        return baseOffset + records;
    }

    private static List<Long> baseOffsets(SegmentScanner scanner) throws IOException {
        List<Long> offsets = new ArrayList<>();
        for (BatchHeader h = scanner.next(); h != null; h = scanner.next()) {
            offsets.add(h.baseOffset());
        }
        return offsets;
    }
}
