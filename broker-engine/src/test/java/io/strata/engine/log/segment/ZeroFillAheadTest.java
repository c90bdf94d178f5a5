package io.strata.engine.log.segment;

import io.strata.engine.config.LogConfig;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ZeroFillAheadTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    /** Runs the fills the segment schedules only when the test says so. */
    private final Queue<Runnable> fills = new ArrayDeque<>();
    /** Fills from the first byte, so that small test segments are filled. */
    private final FillAhead policy = new FillAhead(fills::add, 1024 * 1024, 1);

    @Test
    void zerosAreWrittenAheadOfTheEndAndTrimmedWhenTheSegmentStopsBeingActive() throws Exception {
        LogSegment segment = LogSegment.create(dir, 0, LogConfig.defaults());
        segment.fillAhead(policy, LogConfig.defaults().segmentBytes());
        long next = append(segment, 0, 10);
        assertThat(fills).as("a fill was scheduled by the first append").hasSize(1);
        runFills();

        int end = segment.sizeInBytes();
        assertThat(segment.zeroFilledEnd()).as("as many zeros as the segment holds").isEqualTo(2L * end);
        assertThat(segment.channel().size()).isEqualTo(2L * end);
        assertThat(readFile(segment, end, end)).containsOnly(0);

        append(segment, next, 1);
        assertThat(fills).as("more than half the chunk is still ahead").isEmpty();
        assertThat(scanOffsets(segment)).containsExactly(0L, 10L);

        segment.onBecomeInactive();
        assertThat(segment.channel().size()).isEqualTo(segment.sizeInBytes());
        assertThat(segment.zeroFilledEnd()).isEqualTo(-1);
        segment.close();
    }

    @Test
    void aSegmentHoldingLessThanTheThresholdIsNotFilled() throws Exception {
        LogSegment segment = LogSegment.create(dir, 0, LogConfig.defaults());
        segment.fillAhead(new FillAhead(fills::add, 1024 * 1024, 100_000), LogConfig.defaults().segmentBytes());
        long next = 0;
        while (segment.sizeInBytes() + 11_000 < 100_000) {
            next = append(segment, next, 10);
        }
        assertThat(fills).isEmpty();
        assertThat(segment.channel().size()).isEqualTo(segment.sizeInBytes());
        while (fills.isEmpty()) {
            next = append(segment, next, 10);
        }
        assertThat(segment.sizeInBytes()).isGreaterThanOrEqualTo(100_000);
        segment.close();
    }

    @Test
    void howFarAheadGrowsWithTheSegmentUpToTheLimitAndNeverPastSegmentBytes() throws Exception {
        int segmentBytes = 3 * 1024 * 1024;
        LogSegment segment = LogSegment.create(dir, 0, LogConfig.of(Map.of("segment.bytes", "" + segmentBytes)));
        segment.fillAhead(policy, segmentBytes);
        long next = 0;
        while (segment.sizeInBytes() < segmentBytes - 64 * 1024) {
            next = append(segment, next, 50);
            long ahead = segment.zeroFilledEnd() - segment.sizeInBytes();
            assertThat(ahead).as("never more zeros ahead than the segment holds, or than the limit")
                    .isLessThanOrEqualTo(segment.sizeInBytes())
                    .isLessThanOrEqualTo(1024 * 1024);
            runFills();
            assertThat(segment.channel().size()).isLessThanOrEqualTo(segmentBytes);
        }
        assertThat(segment.zeroFilledEnd()).isEqualTo(segmentBytes);
        segment.close();
    }

    @Test
    void aFillThatFallsBehindTheAppendsWritesNothingOverTheirData() throws Exception {
        LogSegment segment = LogSegment.create(dir, 0, LogConfig.defaults());
        segment.fillAhead(policy, LogConfig.defaults().segmentBytes());
        long next = append(segment, 0, 10);
        assertThat(fills).hasSize(1); // scheduled, not run yet
        while (segment.sizeInBytes() < 256 * 1024) {
            next = append(segment, next, 50);
        }
        runFills();

        assertThat(segment.channel().size()).as("the late fill found the whole target already written")
                .isEqualTo(segment.sizeInBytes());
        SegmentRecovery.Result recovered = SegmentRecovery.scan(segment.channel(), 0, 0, (h, p) -> { });
        assertThat(recovered.nextOffset()).isEqualTo(next);
        assertThat(recovered.truncatedBytes()).isZero();
        segment.close();
    }

    @Test
    void anAppendReachingIntoThePieceBeingZeroedWaitsForIt() throws Exception {
        Path file = dir.resolve("segment.log");
        try (PausingChannel channel = new PausingChannel(FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE))) {
            ZeroFillAhead fill = new ZeroFillAhead(channel, r -> new Thread(r, "filler").start(), 1024 * 1024, 1,
                    Integer.MAX_VALUE, 0);
            fill.beforeWrite(0, 40_000);
            channel.write(ByteBuffer.wrap(filled(40_000, (byte) 1)), 0);
            channel.pauseNextWrite.set(true);
            fill.afterWrite(40_000); // zeros [40000, 80000) on the filler thread
            assertThat(channel.paused.await(10, TimeUnit.SECONDS)).isTrue();

            AtomicBoolean appended = new AtomicBoolean();
            Thread appender = new Thread(() -> {
                try {
                    fill.beforeWrite(40_000, 60_000);
                    channel.write(ByteBuffer.wrap(filled(20_000, (byte) 2)), 40_000);
                    appended.set(true);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, "appender");
            appender.start();
            await().atMost(10, TimeUnit.SECONDS).until(() -> appender.getState() == Thread.State.WAITING);
            assertThat(appended).as("held back while zeros are written where it would write").isFalse();

            channel.resume.countDown();
            appender.join(10_000);
            assertThat(appended).isTrue();
            await().atMost(10, TimeUnit.SECONDS).until(() -> !fill.filling());
            assertThat(fill.zeroedEnd()).isEqualTo(80_000);
            ByteBuffer written = ByteBuffer.allocate(20_000);
            channel.read(written, 40_000);
            assertThat(written.array()).as("the append's bytes, not the fill's zeros").containsOnly(2);
        }
    }

    @Test
    void truncationDropsTheZerosAndAFillScheduledBeforeItWritesNothing() throws Exception {
        LogSegment segment = LogSegment.create(dir, 0, LogConfig.defaults());
        segment.fillAhead(policy, LogConfig.defaults().segmentBytes());
        long next = append(segment, 0, 10);
        runFills();
        next = append(segment, next, 10);
        runFills();
        int cut = segment.sizeInBytes();
        append(segment, next, 10);
        assertThat(fills).as("a fill scheduled, not run yet").hasSize(1);
        assertThat(segment.truncateTo(20)).isPositive();
        assertThat(segment.channel().size()).isEqualTo(cut);
        runFills(); // the fill scheduled before the truncation
        assertThat(segment.channel().size()).as("a fill from before the cut stops").isEqualTo(cut);

        append(segment, 20, 10);
        runFills();
        assertThat(segment.zeroFilledEnd()).isGreaterThan(segment.sizeInBytes());
        assertThat(scanOffsets(segment)).containsExactly(0L, 10L, 20L);
        segment.close();
    }

    @Test
    void theRecoveryOfACrashedSegmentCutsTheZerosAsItsTail() throws Exception {
        LogSegment segment = LogSegment.create(dir, 0, LogConfig.defaults());
        segment.fillAhead(policy, LogConfig.defaults().segmentBytes());
        long next = append(segment, 0, 10);
        runFills();
        next = append(segment, next, 10);
        runFills();
        int end = segment.sizeInBytes();
        assertThat(segment.channel().size()).isGreaterThan(end);
        segment.close(); // no trim: as after a crash

        LogSegment reopened = LogSegment.open(dir, 0, LogConfig.defaults());
        SegmentRecovery.Result result = reopened.recover(0, 4096, T0);
        assertThat(result.validBytes()).isEqualTo(end);
        assertThat(result.nextOffset()).isEqualTo(next);
        assertThat(result.problem()).startsWith("zero-filled tail");
        assertThat(reopened.channel().size()).isEqualTo(end);
        reopened.close();
    }

    private void runFills() {
        for (Runnable fill = fills.poll(); fill != null; fill = fills.poll()) {
            fill.run();
        }
    }

    private static long append(LogSegment segment, long baseOffset, int records) throws IOException {
        SimpleRecord[] batch = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            batch[i] = new SimpleRecord(T0 + baseOffset + i, ("key-" + i).getBytes(), new byte[1000]);
        }
        ByteBuffer buffer = MemoryRecords.withRecords(baseOffset, Compression.NONE, batch).buffer();
        BatchHeader header = BatchHeader.parse(buffer, 0, segment.sizeInBytes());
        segment.append(buffer, header, 4096, T0);
        return header.nextOffset();
    }

    private static java.util.List<Long> scanOffsets(LogSegment segment) throws IOException {
        java.util.List<Long> offsets = new java.util.ArrayList<>();
        SegmentScanner scanner = segment.scanner(0);
        for (BatchHeader h = scanner.next(); h != null; h = scanner.next()) {
            offsets.add(h.baseOffset());
        }
        return offsets;
    }

    private static byte[] readFile(LogSegment segment, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (segment.channel().read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }

    /** A file channel whose next positional write, once asked, stops until the test resumes it. */
    private static final class PausingChannel extends FileChannel {
        private final FileChannel delegate;
        final AtomicBoolean pauseNextWrite = new AtomicBoolean();
        final CountDownLatch paused = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);

        PausingChannel(FileChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (pauseNextWrite.compareAndSet(true, false)) {
                paused.countDown();
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return delegate.write(src, position);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return delegate.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            delegate.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
