package io.strata.engine.log.cleaner;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.producer.ProducerStateManager;
import io.strata.engine.log.segment.CleanedSegmentWriter;
import io.strata.engine.log.segment.LogSegment;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter.BatchRetention;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter.BatchRetentionResult;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * One clean of one log (Kafka's {@code Cleaner}), in two steps:
 * <ol>
 *   <li>Build the key -> latest offset map over the dirty section [first dirty, first uncleanable). If the map
 *       fills, this pass ends after the last batch it covers; the next pass continues from there.</li>
 *   <li>Rewrite the segments from the log start up to the end of the mapped section, in groups (consecutive
 *       segments while the new segment plus the next source segment fit {@code segment.bytes}, see
 *       {@link SegmentGroups}; so the small segments a previous clean left merge), each into one new segment ({@link CleanedSegmentWriter}) swapped in by
 *       {@link PartitionLog#replaceSegments}. A record is kept if its offset is at or above the map's offset
 *       for its key (or its key is not in the map), or if it lies beyond the mapped section. Batches keep their
 *       base offsets, last offset deltas, producer fields and compression ({@code MemoryRecords.filterTo}).</li>
 * </ol>
 * Kept whole: each active producer's last batch (even if emptied, so idempotent deduplication survives), the
 * last batch of each source segment (even if emptied, so a new segment covers exactly the offsets of the
 * segments it replaces, which crash recovery relies on; a later clean drops it once it is inside a segment) and
 * what {@link TransactionCleaningHook} says. Tombstones: the first clean that keeps one stamps its batch with a
 * delete horizon (now + delete.retention.ms, KIP-534); a clean after the horizon drops it. Records without a
 * key (refused at produce time; possible from before a policy change) are dropped, as in Kafka.
 *
 * <p>Threading: one per cleaner thread, with its own offset map and buffers. It checks {@code aborted} between
 * chunks of batches and between groups, and then stops leaving the log as it was (or with some groups swapped,
 * each one complete).
 */
final class Cleaner {
    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);

    /** The outcome of one clean. */
    record Result(long cleanedTo, long bytesRead, long bytesWritten, int groupsSwapped) {
    }

    /** The clean stopped early: an abort, a stop, or the log changed under it. */
    static final class Aborted extends Exception {
        private static final long serialVersionUID = 1L;

        Aborted(String message) {
            super(message);
        }
    }

    private final OffsetMap map;
    private final BatchChunks reads;
    private ByteBuffer writeBuffer;
    private final Throttler throttler;
    private final Time time;
    private final TransactionCleaningHook transactions;
    private final CleanerCrashHook crashHook;
    private long bytesRead;
    private long bytesWritten;

    Cleaner(OffsetMap map, int ioBufferSize, Throttler throttler, Time time, TransactionCleaningHook transactions,
            CleanerCrashHook crashHook) {
        this.map = map;
        this.reads = new BatchChunks(ioBufferSize);
        this.writeBuffer = ByteBuffer.allocate(ioBufferSize);
        this.throttler = throttler;
        this.time = time;
        this.transactions = transactions;
        this.crashHook = crashHook;
    }

    Result clean(CleanableLog target, BooleanSupplier aborted) throws IOException, Aborted {
        bytesRead = 0;
        bytesWritten = 0;
        PartitionLog partitionLog = target.log();
        TopicPartition tp = partitionLog.topicPartition();
        LogConfig cfg = partitionLog.config();
        List<LogSegment> segments = partitionLog.segmentsSnapshot();
        long endOffset = buildOffsetMap(segments, target.firstDirtyOffset(), target.firstUncleanableOffset(), aborted);
        if (endOffset <= target.firstDirtyOffset()) {
            return new Result(target.firstDirtyOffset(), bytesRead, 0, 0);
        }
        List<LogSegment> toClean = new ArrayList<>();
        for (LogSegment s : segments.subList(0, segments.size() - 1)) { // never the active segment
            if (s.baseOffset() >= endOffset) {
                break;
            }
            toClean.add(s);
        }
        Map<Long, Long> producerLastOffsets = producerLastOffsets(partitionLog.producerState());
        long now = time.milliseconds();
        int swapped = 0;
        int next = 0;
        while (next < toClean.size()) {
            next = cleanGroup(partitionLog, toClean, next, cfg, producerLastOffsets, now, aborted);
            swapped++;
        }
        log.info("{}: cleaned offsets {}..{} of the dirty section ({} keys), rewrote {} group(s) from offset {}:"
                        + " read {} bytes, wrote {} bytes", tp, target.firstDirtyOffset(), endOffset - 1, map.size(),
                swapped, toClean.isEmpty() ? endOffset : toClean.get(0).baseOffset(), bytesRead, bytesWritten);
        return new Result(endOffset, bytesRead, bytesWritten, swapped);
    }

    private static SegmentGroups.SegmentInfo info(LogSegment s) {
        return new SegmentGroups.SegmentInfo(s.baseOffset(), SegmentFacts.size(s), s.nextOffset());
    }

    /** Fills the map from {@code firstDirty}; returns the offset after the last batch it covers. */
    private long buildOffsetMap(List<LogSegment> segments, long firstDirty, long firstUncleanable,
                                BooleanSupplier aborted) throws IOException, Aborted {
        map.clear();
        long[] end = {firstDirty};
        boolean[] done = {false};
        for (LogSegment segment : segments) {
            if (done[0] || segment.baseOffset() >= firstUncleanable) {
                break;
            }
            if (segment.nextOffset() <= firstDirty) {
                continue;
            }
            checkAborted(aborted);
            reads.read(segment, firstDirty, chunk -> {
                bytesRead += chunk.sizeInBytes();
                throttler.maybeThrottle(chunk.sizeInBytes());
                for (MutableRecordBatch batch : chunk.batches()) {
                    if (batch.lastOffset() < firstDirty) {
                        continue;
                    }
                    if (batch.lastOffset() >= firstUncleanable) {
                        done[0] = true;
                        return false;
                    }
                    Integer count = batch.countOrNull();
                    if (!batch.isControlBatch() && !map.hasRoomFor(count == null ? 0 : count)) {
                        if (map.size() == 0) {
                            throw new IllegalStateException("The cleaner's dedupe buffer (" + map.capacity()
                                    + " keys) cannot hold one batch of " + count + " records");
                        }
                        done[0] = true;
                        return false;
                    }
                    if (!batch.isControlBatch()) {
                        try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                            while (records.hasNext()) {
                                Record record = records.next();
                                if (record.hasKey()) {
                                    map.put(record.key(), record.offset());
                                }
                            }
                        }
                    }
                    map.updateLatestOffset(batch.lastOffset());
                    end[0] = batch.lastOffset() + 1;
                }
                return !aborted.getAsBoolean();
            });
            checkAborted(aborted);
        }
        return end[0];
    }

    /**
     * Cleans the segments from {@code first} on into one new segment while they fit (see {@link SegmentGroups}),
     * swaps it in, and returns the index of the first segment not in this group.
     */
    private int cleanGroup(PartitionLog partitionLog, List<LogSegment> segments, int first, LogConfig cfg,
                           Map<Long, Long> producerLastOffsets, long now, BooleanSupplier aborted)
            throws IOException, Aborted {
        TopicPartition tp = partitionLog.topicPartition();
        Path dir = partitionLog.dir();
        long base = segments.get(first).baseOffset();
        List<LogSegment> group = new ArrayList<>();
        CleanedSegmentWriter writer = CleanedSegmentWriter.create(dir, base, cfg);
        boolean handedOver = false;
        try {
            for (int i = first; i < segments.size(); i++) {
                LogSegment segment = segments.get(i);
                if (!group.isEmpty() && !SegmentGroups.fits(base, writer.size(), info(segment), cfg.segmentBytes())) {
                    break;
                }
                group.add(segment);
                writer.appendAbortedTxns(segment.txnIndex().entries()); // every batch is kept: so is every abort
                checkAborted(aborted);
                RetentionFilter filter = new RetentionFilter(now, cfg.deleteRetentionMs(), producerLastOffsets,
                        segment.nextOffset() - 1);
                reads.read(segment, segment.baseOffset(), chunk -> {
                    filterInto(chunk, filter, writer, cfg);
                    return !aborted.getAsBoolean();
                });
                checkAborted(aborted);
            }
            writer.finish();
            crashHook.reached(tp, CleanerCrashHook.Phase.CLEANED_WRITTEN);
            writer.renameToSwap();
            crashHook.reached(tp, CleanerCrashHook.Phase.SWAP_RENAMED);
            handedOver = true;
            if (!partitionLog.replaceSegments(base, group)) {
                CleanedSegmentWriter.deleteFiles(dir, base, LogFileNames.SWAP_SUFFIX);
                throw new Aborted(tp + ": segments changed during the clean (retention, truncation or deletion)");
            }
            return first + group.size();
        } catch (CleanerCrashHook.SimulatedCrash crash) {
            handedOver = true; // leave the files exactly as they are, as a crash would
            throw crash;
        } finally {
            if (!handedOver) {
                writer.abandon();
            }
        }
    }

    /**
     * Filters one chunk into the writer. filterTo stops early after a batch that needed a larger output buffer,
     * so this loops until the whole chunk is consumed.
     */
    private void filterInto(MemoryRecords chunk, RetentionFilter filter, CleanedSegmentWriter writer, LogConfig cfg)
            throws IOException {
        ByteBuffer input = chunk.buffer();
        int consumed = 0;
        while (consumed < chunk.sizeInBytes()) {
            MemoryRecords rest = MemoryRecords.readableRecords(input.duplicate().position(input.position() + consumed).slice());
            writeBuffer.clear();
            MemoryRecords.FilterResult result = rest.filterTo(filter, writeBuffer, BufferSupplier.NO_CACHING,
                    cfg.maxMessageBytes());
            ByteBuffer out = result.outputBuffer();
            if (out != writeBuffer) {
                writeBuffer = out; // grown to fit a batch that did not shrink: keep the larger buffer
            }
            out.flip();
            int written = out.remaining();
            writer.append(out);
            bytesWritten += written;
            throttler.maybeThrottle(result.bytesRead() + (long) written);
            if (result.bytesRead() <= 0) {
                throw new IllegalStateException("filterTo made no progress at offset position " + consumed);
            }
            consumed += result.bytesRead();
        }
        bytesRead += chunk.sizeInBytes();
    }

    private static void checkAborted(BooleanSupplier aborted) throws Aborted {
        if (aborted.getAsBoolean()) {
            throw new Aborted("clean aborted");
        }
    }

    /** Each producer's last batch, by its last offset. */
    private static Map<Long, Long> producerLastOffsets(ProducerStateManager producers) {
        Map<Long, Long> last = new HashMap<>();
        for (ProducerStateManager.ActiveProducer p : producers.activeProducers()) {
            List<ProducerStateManager.ProducerBatch> batches = producers.batches(p.producerId());
            if (!batches.isEmpty()) {
                last.put(p.producerId(), batches.get(batches.size() - 1).lastOffset());
            }
        }
        return last;
    }

    /** Kafka's retention decisions for one group, through {@code MemoryRecords.filterTo}. */
    private final class RetentionFilter extends MemoryRecords.RecordFilter {
        private final Map<Long, Long> producerLastOffsets;
        private final long segmentLastOffset;

        RetentionFilter(long now, long deleteRetentionMs, Map<Long, Long> producerLastOffsets, long segmentLastOffset) {
            super(now, deleteRetentionMs);
            this.producerLastOffsets = producerLastOffsets;
            this.segmentLastOffset = segmentLastOffset;
        }

        @Override
        protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            boolean producersLast = batch.hasProducerId()
                    && Long.valueOf(batch.lastOffset()).equals(producerLastOffsets.get(batch.producerId()));
            boolean keep = producersLast || batch.lastOffset() == segmentLastOffset || transactions.keepWhole(batch);
            return new BatchRetentionResult(keep ? BatchRetention.RETAIN_EMPTY : BatchRetention.DELETE_EMPTY, false);
        }

        @Override
        protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (transactions.keepWhole(batch) || record.offset() > map.latestOffset()) {
                return true;
            }
            if (!record.hasKey()) {
                return false;
            }
            long latest = map.get(record.key());
            if (latest >= 0 && record.offset() < latest) {
                return false;
            }
            if (!record.hasValue()) {
                OptionalLong horizon = batch.deleteHorizonMs();
                return horizon.isEmpty() || currentTime < horizon.getAsLong();
            }
            return true;
        }
    }
}
