package io.strata.engine.log.segment;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.segment.TimeIndex.TimestampOffset;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Utils;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes the segment that replaces a group of cleaned segments, beside them, as
 * {@code <base>.log.cleaned}, {@code <base>.index.cleaned}, {@code <base>.timeindex.cleaned} (and {@code .txnindex.cleaned}
 * carrying the replaced segments' aborted transactions), with the
 * same index layout a {@link LogSegment} writes (so the swapped-in segment loads trusted, without a scan).
 * {@link #finish()} fsyncs everything; {@link #renameToSwap()} then marks it complete: from that moment a
 * restart finishes the swap (see the log loader).
 *
 * <p>Threading: owned by one cleaner thread; no other thread sees these files until the swap.
 */
public final class CleanedSegmentWriter implements Closeable {
    private static final String[] SEGMENT_SUFFIXES = {LogFileNames.INDEX_SUFFIX, LogFileNames.TIME_INDEX_SUFFIX,
            LogFileNames.TXN_INDEX_SUFFIX, LogFileNames.LOG_SUFFIX}; // the log file last: its .swap name is the commit point

    private final Path dir;
    private final long baseOffset;
    private final int indexIntervalBytes;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    /** The replaced segments' aborted transactions (the cleaner keeps transactional batches and markers whole). */
    private final TransactionIndex txnIndex;
    private long size;
    private long nextOffset;
    private int bytesSinceLastIndexEntry;
    private TimestampOffset maxTimestamp;
    private boolean closed;

    private CleanedSegmentWriter(Path dir, long baseOffset, LogConfig config) throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = config.indexIntervalBytes();
        this.nextOffset = baseOffset;
        this.maxTimestamp = new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset);
        this.channel = FileChannel.open(path(dir, baseOffset, LogFileNames.LOG_SUFFIX, LogFileNames.CLEANED_SUFFIX),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            this.offsetIndex = new OffsetIndex(path(dir, baseOffset, LogFileNames.INDEX_SUFFIX, LogFileNames.CLEANED_SUFFIX),
                    baseOffset, Math.max(1, config.segmentIndexBytes() / OffsetIndex.ENTRY_SIZE));
            this.timeIndex = new TimeIndex(path(dir, baseOffset, LogFileNames.TIME_INDEX_SUFFIX, LogFileNames.CLEANED_SUFFIX),
                    baseOffset, Math.max(1, config.segmentIndexBytes() / TimeIndex.ENTRY_SIZE));
            Files.deleteIfExists(path(dir, baseOffset, LogFileNames.TXN_INDEX_SUFFIX, LogFileNames.CLEANED_SUFFIX));
            this.txnIndex = new TransactionIndex(path(dir, baseOffset, LogFileNames.TXN_INDEX_SUFFIX,
                    LogFileNames.CLEANED_SUFFIX));
            offsetIndex.reset();
            timeIndex.reset();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Starts {@code <base>.log.cleaned} (and its indexes), replacing leftovers of an earlier attempt. */
    public static CleanedSegmentWriter create(Path dir, long baseOffset, LogConfig config) throws IOException {
        return new CleanedSegmentWriter(dir, baseOffset, config);
    }

    /** {@code <base><segmentSuffix><stateSuffix>}, e.g. {@code 00000000000000000042.log.swap}. */
    public static Path path(Path dir, long baseOffset, String segmentSuffix, String stateSuffix) {
        return dir.resolve(LogFileNames.logFile(dir, baseOffset).getFileName().toString()
                .replace(LogFileNames.LOG_SUFFIX, segmentSuffix) + stateSuffix);
    }

    /** Deletes the files of a cleaned segment in {@code stateSuffix} state (.cleaned or .swap), if any. */
    public static void deleteFiles(Path dir, long baseOffset, String stateSuffix) throws IOException {
        for (String suffix : SEGMENT_SUFFIXES) {
            Files.deleteIfExists(path(dir, baseOffset, suffix, stateSuffix));
        }
    }

    /**
     * Renames the {@code .swap} files of a cleaned segment to the live segment names, indexes first and the log
     * file last (replacing files of the same names, which the caller has retired). A missing index is rebuilt
     * when the segment is opened.
     */
    public static void installSwap(Path dir, long baseOffset) throws IOException {
        for (String suffix : SEGMENT_SUFFIXES) {
            Path swap = path(dir, baseOffset, suffix, LogFileNames.SWAP_SUFFIX);
            Path live = path(dir, baseOffset, suffix, "");
            if (Files.exists(swap)) {
                Utils.atomicMoveWithFallback(swap, live, false);
            } else if (!suffix.equals(LogFileNames.LOG_SUFFIX)) {
                Files.deleteIfExists(live); // an old segment's index must not describe the new file
            }
        }
        Utils.flushDir(dir);
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Bytes written so far. */
    public long size() {
        return size;
    }

    /** The offset after the last batch written (the base offset while empty). */
    public long nextOffset() {
        return nextOffset;
    }

    /** Appends whole v2 batches (as filtered by the cleaner), indexing them as a segment does. */
    public void append(ByteBuffer batches) throws IOException {
        ByteBuffer buffer = batches.duplicate();
        int start = buffer.position();
        int end = buffer.limit();
        for (int at = start; end - at >= BatchHeader.SIZE; ) {
            BatchHeader header = BatchHeader.parse(buffer, at, size + (at - start));
            if (header.maxTimestamp() > maxTimestamp.timestamp()) {
                maxTimestamp = new TimestampOffset(header.maxTimestamp(), header.baseOffset());
            }
            if (bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull() && timeIndex.hasRoomFor(2)) {
                offsetIndex.append(header.baseOffset(), Math.toIntExact(size + (at - start)));
                timeIndex.maybeAppend(maxTimestamp.timestamp(), maxTimestamp.offset(), false);
                bytesSinceLastIndexEntry = 0;
            }
            bytesSinceLastIndexEntry += (int) header.sizeInBytes();
            nextOffset = header.nextOffset();
            at += (int) header.sizeInBytes();
        }
        long position = size;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        size = position;
    }

    /** Carries aborted transactions of a replaced segment over to the cleaned one, in order. */
    public void appendAbortedTxns(List<AbortedTxn> aborted) throws IOException {
        for (AbortedTxn txn : aborted) {
            txnIndex.append(txn);
        }
    }

    /** Writes the final time index entry and fsyncs the log file and the indexes (trimmed to their entries). */
    public void finish() throws IOException {
        if (maxTimestamp.timestamp() >= 0) {
            timeIndex.maybeAppend(maxTimestamp.timestamp(), maxTimestamp.offset(), true);
        }
        channel.force(true);
        offsetIndex.seal();
        timeIndex.seal();
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
        close();
    }

    /** Renames the finished {@code .cleaned} files to {@code .swap} (the log file last) and fsyncs the directory. */
    public void renameToSwap() throws IOException {
        close();
        for (String suffix : SEGMENT_SUFFIXES) {
            Path cleaned = path(dir, baseOffset, suffix, LogFileNames.CLEANED_SUFFIX);
            if (Files.exists(cleaned) || !suffix.equals(LogFileNames.TXN_INDEX_SUFFIX)) { // no aborts: no txnindex
                Utils.atomicMoveWithFallback(cleaned, path(dir, baseOffset, suffix, LogFileNames.SWAP_SUFFIX), false);
            }
        }
        Utils.flushDir(dir);
    }

    /** Closes and deletes whatever this writer produced, in either state. */
    public void abandon() throws IOException {
        close();
        deleteFiles(dir, baseOffset, LogFileNames.CLEANED_SUFFIX);
        deleteFiles(dir, baseOffset, LogFileNames.SWAP_SUFFIX);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        LogSegment.closeAll(offsetIndex, timeIndex, txnIndex, channel);
    }
}
