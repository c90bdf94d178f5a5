package io.strata.engine.log.segment;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.segment.OffsetIndex.OffsetPosition;
import io.strata.engine.log.segment.TimeIndex.TimestampOffset;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One segment of a partition log: {@code <base>.log} holding v2 record batches back to back, plus its
 * {@code .index}, {@code .timeindex} and (once it has an abort marker) {@code .txnindex}. The file name's base offset
 * is at or below the first batch's.
 *
 * <p>Threading: {@link #append}, {@link #appendAbortedTxn}, {@link #recover}, {@link #truncateTo} and
 * {@link #onBecomeInactive} run under the owning log's append lock. Readers are lock-free: they read {@link #size()} (volatile, published
 * after the bytes and index entries are written) and never look past it.
 *
 * <p>Reference count (for safe deletion): the log holds one reference while the segment belongs to it, and
 * every reader holds one from {@link #tryRetain()} while it scans and while a {@link FileSlice} of it is
 * still to be sent. A segment taken out of its log is renamed {@code .deleted} ({@link #renameForDeletion()})
 * and the log's reference is released after {@code file.delete.delay.ms}; the last {@link #release()} closes
 * the files and deletes them. {@link #close()} (broker shutdown) closes regardless of references.
 */
public final class LogSegment implements Closeable {
    private final long baseOffset;
    private final Path logFile;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private final long rollJitterMs;
    /** Zeros kept ahead of the end while the segment is active and the log asks for it; null otherwise. */
    private volatile ZeroFillAhead fillAhead;
    /** Set by {@link #onBecomeInactive}: no fill starts after it. Guarded by the append lock. */
    private boolean inactive;
    /** False if an index file was missing when the segment was opened: it must be rebuilt. */
    private boolean indexesFound;

    private volatile int size;
    private volatile long nextOffset;
    /** Largest batch max timestamp in the segment, with the base offset of the first batch reaching it. */
    private volatile TimestampOffset maxTimestamp;
    /** Guarded by the append lock. */
    private int bytesSinceLastIndexEntry;
    /** When the segment's age for segment.ms starts; -1 while it is empty. Guarded by the append lock. */
    private long rollingBaseMs = -1;
    /** 1 for the owning log plus one per reader; 0 means closed for good. */
    private final AtomicInteger refs = new AtomicInteger(1);
    /** The renamed files to delete on the last release; null until {@link #renameForDeletion()}. */
    private volatile List<Path> deletedFiles;

    private LogSegment(Path dir, long baseOffset, LogConfig config) throws IOException {
        this.baseOffset = baseOffset;
        this.logFile = LogFileNames.logFile(dir, baseOffset);
        this.indexesFound = Files.exists(LogFileNames.indexFile(dir, baseOffset))
                && Files.exists(LogFileNames.timeIndexFile(dir, baseOffset));
        this.channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            this.offsetIndex = new OffsetIndex(LogFileNames.indexFile(dir, baseOffset), baseOffset,
                    Math.max(1, config.segmentIndexBytes() / OffsetIndex.ENTRY_SIZE));
            this.timeIndex = new TimeIndex(LogFileNames.timeIndexFile(dir, baseOffset), baseOffset,
                    Math.max(1, config.segmentIndexBytes() / TimeIndex.ENTRY_SIZE));
            this.txnIndex = new TransactionIndex(LogFileNames.txnIndexFile(dir, baseOffset));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        long jitterBound = Math.min(config.segmentJitterMs(), config.segmentMs());
        this.rollJitterMs = jitterBound > 0 ? ThreadLocalRandom.current().nextLong(jitterBound) : 0;
        this.nextOffset = baseOffset;
        this.maxTimestamp = new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset);
    }

    /** Creates a new, empty segment (its files must not hold data yet). */
    public static LogSegment create(Path dir, long baseOffset, LogConfig config) throws IOException {
        Path log = LogFileNames.logFile(dir, baseOffset);
        if (Files.exists(log) && Files.size(log) > 0) {
            throw new IOException("Segment file " + log + " already exists");
        }
        LogSegment segment = new LogSegment(dir, baseOffset, config);
        segment.offsetIndex.reset();
        segment.timeIndex.reset();
        segment.indexesFound = true;
        if (config.preallocate()) {
            // Extends the file; the bytes past size() are zeros that recovery or close() trims.
            segment.channel.write(ByteBuffer.allocate(1), config.segmentBytes() - 1L);
        }
        return segment;
    }

    /** Opens an existing segment; call {@link #loadTrusted} or {@link #recover} before using it. */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config) throws IOException {
        return new LogSegment(dir, baseOffset, config);
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Bytes of whole batches readers may see (what retention.bytes counts). */
    public int sizeInBytes() {
        return size;
    }

    /**
     * The largest record timestamp in the segment, or the file's last-modified time when no batch carries a
     * timestamp (Kafka's rule for retention.ms).
     */
    public long largestTimestamp() {
        long max = maxTimestamp.timestamp();
        if (max >= 0) {
            return max;
        }
        try {
            return Files.getLastModifiedTime(logFile).toMillis();
        } catch (IOException e) {
            return RecordBatch.NO_TIMESTAMP;
        }
    }

    /** The offset after the segment's last batch (its base offset when empty). */
    public long nextOffset() {
        return nextOffset;
    }

    TimestampOffset maxTimestamp() {
        return maxTimestamp;
    }

    public FileChannel channel() {
        return channel;
    }

    public Path logFile() {
        return logFile;
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    /** The aborted transactions whose abort markers are in this segment (read lock-free). */
    public TransactionIndex txnIndex() {
        return txnIndex;
    }

    // ---- appends ----

    /** Whether a batch of {@code batchSize} bytes ending at {@code lastOffset} must go to a new segment. */
    public boolean shouldRoll(long batchSize, long lastOffset, long nowMs, LogConfig config) {
        if (size == 0) {
            return false;
        }
        return size + batchSize > config.segmentBytes()
                || (rollingBaseMs >= 0 && nowMs - rollingBaseMs > config.segmentMs() - rollJitterMs)
                || offsetIndex.isFull()
                || !timeIndex.hasRoomFor(2) // one interval entry plus the final entry written on roll
                || lastOffset - baseOffset > Integer.MAX_VALUE;
    }

    /**
     * Keeps zeros written ahead of this active segment's end from now on (see {@link ZeroFillAhead}); does nothing if
     * it already does, if {@code policy} is off, or once the segment is inactive.
     */
    public void fillAhead(FillAhead policy, int segmentBytes) {
        if (fillAhead == null && !inactive && policy.enabled()) {
            fillAhead = new ZeroFillAhead(channel, policy.executor(), policy.maxAheadBytes(), policy.fillFromBytes(),
                    segmentBytes, size);
        }
    }

    /** Writes a batch (already given its offsets) at the end of the segment and indexes it. */
    public void append(ByteBuffer batch, BatchHeader header, int indexIntervalBytes, long nowMs) throws IOException {
        int position = size;
        ByteBuffer src = batch.duplicate();
        long at = position;
        ZeroFillAhead fill = fillAhead;
        if (fill != null) {
            fill.beforeWrite(position, position + src.remaining());
        }
        while (src.hasRemaining()) {
            at += channel.write(src, at);
        }
        if (rollingBaseMs < 0) {
            rollingBaseMs = nowMs;
        }
        index(header, position, indexIntervalBytes);
        nextOffset = header.nextOffset();
        size = Math.toIntExact(at); // publishes the batch to readers
        if (fill != null) {
            fill.afterWrite(at);
        }
    }

    private void index(BatchHeader header, int position, int indexIntervalBytes) throws IOException {
        if (header.maxTimestamp() > maxTimestamp.timestamp()) {
            maxTimestamp = new TimestampOffset(header.maxTimestamp(), header.baseOffset());
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(header.baseOffset(), position);
            TimestampOffset max = maxTimestamp;
            timeIndex.maybeAppend(max.timestamp(), max.offset(), false);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += (int) header.sizeInBytes();
    }

    /** Indexes an aborted transaction whose abort marker was just appended to this segment. */
    public void appendAbortedTxn(AbortedTxn txn) throws IOException {
        txnIndex.append(txn);
    }

    /**
     * Records the final max timestamp in the time index, trims preallocated space and seals both indexes
     * (trimmed to their entries, durable at the next {@link #flushIndexes()}: see {@link IndexFile}).
     */
    public void onBecomeInactive() throws IOException {
        TimestampOffset max = maxTimestamp;
        if (max.timestamp() >= 0) {
            timeIndex.maybeAppend(max.timestamp(), max.offset(), true);
        }
        inactive = true;
        stopFillAhead();
        if (channel.size() > size) {
            channel.truncate(size);
        }
        offsetIndex.seal();
        timeIndex.seal();
    }

    // ---- reads ----

    /** The file position to start scanning from to find the batch holding {@code offset}. */
    public int lookupPosition(long offset) throws IOException {
        return offsetIndex.lookup(offset).position();
    }

    /** A header scanner from {@code position} to the published end. */
    public SegmentScanner scanner(long position) {
        return new SegmentScanner(channel, position, size);
    }

    /** The first batch whose last offset is >= {@code offset}, or null if there is none in this segment. */
    BatchHeader findBatch(long offset) throws IOException {
        SegmentScanner scanner = scanner(lookupPosition(offset));
        for (BatchHeader h = scanner.next(); h != null; h = scanner.next()) {
            if (h.lastOffset() >= offset) {
                return h;
            }
        }
        return null;
    }

    /** Reads one whole batch into memory (for timestamp lookups; never on the fetch path). */
    public ByteBuffer readBatch(BatchHeader header) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(header.sizeInBytes()));
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, header.position() + buffer.position()) < 0) {
                throw new CorruptRecordException("Segment " + logFile + " ends inside the batch at "
                        + header.position());
            }
        }
        return buffer.flip();
    }

    // ---- loading, recovery, truncation ----

    /**
     * Trusts the log file as written before a clean shutdown (or below the recovery point): checks the
     * indexes for sanity and walks the batch headers after the last index entry to find the end offset and
     * max timestamp. Returns false if anything looks wrong; the caller then runs {@link #recover}.
     */
    public boolean loadTrusted() throws IOException {
        long fileSize = channel.size();
        if (!indexesFound || fileSize > Integer.MAX_VALUE || !offsetIndex.isSane(fileSize) || !timeIndex.isSane()) {
            return false;
        }
        try {
            return loadTail((int) fileSize);
        } catch (CorruptRecordException e) {
            return false;
        }
    }

    /** Re-derives the in-memory end state from the indexes and the batches after the last offset index entry. */
    private boolean loadTail(int end) throws IOException {
        OffsetPosition last = offsetIndex.last();
        TimestampOffset indexedMax = timeIndex.last();
        TimestampOffset max = indexedMax != null ? indexedMax
                : new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset);
        SegmentScanner scanner = new SegmentScanner(channel, last.position(), end);
        BatchHeader first = scanner.next();
        if (offsetIndex.entries() > 0 && (first == null || first.baseOffset() != last.offset())) {
            return false;
        }
        BatchHeader lastHeader = null;
        for (BatchHeader h = first; h != null; h = scanner.next()) {
            if (h.maxTimestamp() > max.timestamp()) {
                max = new TimestampOffset(h.maxTimestamp(), h.baseOffset());
            }
            lastHeader = h;
        }
        maxTimestamp = max;
        bytesSinceLastIndexEntry = end - last.position();
        nextOffset = lastHeader == null ? baseOffset : lastHeader.nextOffset();
        rollingBaseMs = end == 0 ? -1 : firstBatchTimestamp(end);
        size = end;
        return true;
    }

    /** segment.ms counts from the first batch's timestamp for segments loaded from disk, like Kafka. */
    private long firstBatchTimestamp(int end) throws IOException {
        BatchHeader first = new SegmentScanner(channel, 0, end).next();
        return first == null || first.maxTimestamp() < 0 ? -1 : first.maxTimestamp();
    }

    /**
     * Validates every batch (length, magic, offsets increasing from {@code minOffset}, CRC), rebuilds both
     * indexes, and truncates the file at the first invalid or incomplete batch. The {@code .txnindex} is left to the
     * caller: it needs producer state to rebuild (the log loader resets it and replays).
     */
    public SegmentRecovery.Result recover(long minOffset, int indexIntervalBytes, long nowMs) throws IOException {
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestamp = new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset);
        bytesSinceLastIndexEntry = 0;
        SegmentRecovery.Result result = SegmentRecovery.scan(channel, baseOffset, Math.max(baseOffset, minOffset),
                (header, position) -> index(header, position, indexIntervalBytes));
        if (result.truncatedBytes() > 0) {
            channel.truncate(result.validBytes());
        }
        nextOffset = result.nextOffset();
        rollingBaseMs = result.validBytes() == 0 ? -1 : firstBatchTimestamp(result.validBytes());
        if (rollingBaseMs < 0 && result.validBytes() > 0) {
            rollingBaseMs = nowMs;
        }
        size = result.validBytes();
        return result;
    }

    /**
     * Removes the batch holding {@code offset} and everything after it.
     *
     * @return bytes removed
     */
    public int truncateTo(long offset) throws IOException {
        BatchHeader cut = findBatch(offset);
        if (cut == null) {
            return 0;
        }
        int oldSize = size;
        int newSize = (int) cut.position();
        long rollingBase = rollingBaseMs;
        size = newSize; // readers stop before the cut from now on
        offsetIndex.truncateTo(cut.baseOffset());
        timeIndex.truncateTo(cut.baseOffset());
        txnIndex.truncateTo(cut.baseOffset());
        ZeroFillAhead fill = fillAhead;
        if (fill != null) {
            fill.truncated(newSize); // no zeros written after the cut below
        }
        channel.truncate(newSize);
        loadTail(newSize);
        rollingBaseMs = newSize == 0 ? -1 : rollingBase;
        return oldSize - newSize;
    }

    // ---- durability and lifecycle ----

    public void flushLog() throws IOException {
        channel.force(false);
    }

    public void flushIndexes() throws IOException {
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    private void stopFillAhead() {
        ZeroFillAhead fill = fillAhead;
        if (fill != null) {
            fill.stop();
            fillAhead = null;
        }
    }

    /** For tests: the end of the zeros written ahead, or -1 if none are kept. */
    long zeroFilledEnd() {
        ZeroFillAhead fill = fillAhead;
        return fill == null ? -1 : fill.zeroedEnd();
    }

    /** For tests: whether a fill ahead is scheduled or running. */
    boolean zeroFilling() {
        ZeroFillAhead fill = fillAhead;
        return fill != null && fill.filling();
    }

    @Override
    public void close() throws IOException {
        stopFillAhead();
        closeAll(offsetIndex, timeIndex, txnIndex, channel);
    }

    /** Closes every one of a segment's files, even after one fails, and throws the first failure. */
    static void closeAll(Closeable... files) throws IOException {
        IOException failure = null;
        for (Closeable c : files) {
            try {
                c.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    public void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // closing after a failure or for deletion; nothing left to protect
        }
    }

    // ---- references and delayed deletion ----

    /** Takes a reader's reference; false once the segment is closed for good (deleted and unreferenced). */
    public boolean tryRetain() {
        for (int r = refs.get(); r > 0; r = refs.get()) {
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Drops a reference; the last one closes the files and deletes them if the segment was renamed for deletion. */
    public void release() {
        int left = refs.decrementAndGet();
        if (left == 0) {
            closeQuietly();
            List<Path> files = deletedFiles;
            if (files != null) {
                for (Path file : files) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // a leftover .deleted file is removed when the log is next loaded
                    }
                }
            }
        } else if (left < 0) {
            refs.incrementAndGet();
            throw new IllegalStateException(this + " released more often than retained");
        }
    }

    /**
     * A slice of this segment that takes over a reference the caller got from {@link #tryRetain()}; {@code growing}
     * if this is its log's active segment.
     */
    public FileSlice retainedSlice(long position, int bytes, boolean growing) {
        return new FileSlice(channel, position, bytes, this, growing);
    }

    /** References held (the log's included); for tests. */
    public int referenceCount() {
        return refs.get();
    }

    /**
     * Renames the log and index files with the {@code .deleted} suffix. Open channels keep working, so readers
     * holding a reference finish; the files go on the last {@link #release()}.
     */
    public void renameForDeletion() throws IOException {
        Path dir = logFile.getParent();
        List<Path> renamed = new ArrayList<>(4);
        for (Path file : List.of(logFile, LogFileNames.indexFile(dir, baseOffset), LogFileNames.timeIndexFile(dir, baseOffset),
                LogFileNames.txnIndexFile(dir, baseOffset))) {
            Path target = file.resolveSibling(file.getFileName() + LogFileNames.DELETED_SUFFIX);
            if (Files.exists(file)) {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                if (file.equals(txnIndex.file())) {
                    txnIndex.renamedTo(target);
                } else if (file.equals(offsetIndex.file())) {
                    offsetIndex.renamedTo(target);
                } else if (file.equals(timeIndex.file())) {
                    timeIndex.renamedTo(target);
                }
            }
            renamed.add(target);
        }
        deletedFiles = List.copyOf(renamed);
    }

    /** Closes and removes the segment's files. */
    public void delete() throws IOException {
        closeQuietly();
        Files.deleteIfExists(logFile);
        offsetIndex.deleteFile();
        timeIndex.deleteFile();
        txnIndex.deleteFile();
    }

    @Override
    public String toString() {
        return "LogSegment(" + logFile.getFileName() + ", size=" + size + ", next=" + nextOffset + ")";
    }
}
