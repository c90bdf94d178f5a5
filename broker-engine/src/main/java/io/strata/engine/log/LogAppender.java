package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.log.producer.ProducerStateManager;
import io.strata.engine.log.producer.VerificationGuard;
import io.strata.engine.log.producer.ProducerStateManager.ProducerBatch;
import io.strata.engine.log.producer.TxnMarker;
import io.strata.engine.log.segment.AbortedTxn;
import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.log.segment.FillAhead;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import io.strata.engine.log.validation.AppendOrigin;
import io.strata.engine.log.validation.BatchValidator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Writes batches at the end of one {@link PartitionLog}: a leader's validated batch (offsets assigned here, an
 * idempotent retry answered with its original offsets), a follower's replicated batches byte for byte, and segment
 * rolls. Each write goes to the active segment (rolling first if due), updates the leader epoch cache and producer
 * state (an abort marker that ends a transaction is indexed in the segment's {@code .txnindex}, as leader and as
 * follower alike), and then publishes the new log end in {@link LogOffsets}.
 *
 * <p>Concurrency: every method runs under the log's append lock, which serializes all writers; this class takes
 * no lock of its own (a roll tells the group commit, {@link LogFlusher#onRoll}, which takes none either).
 */
final class LogAppender {
    private static final Logger log = LoggerFactory.getLogger(LogAppender.class);

    private final TopicPartition topicPartition;
    private final Supplier<Path> dir;
    private final LogSegments segments;
    private final LeaderEpochCache epochCache;
    private final ProducerStateManager producerState;
    private final LogFlusher groupCommit;
    private final LogOffsets offsets;
    private final FillAhead fillAhead;

    LogAppender(TopicPartition topicPartition, Supplier<Path> dir, LogSegments segments, LeaderEpochCache epochCache,
                ProducerStateManager producerState, LogFlusher groupCommit, LogOffsets offsets, FillAhead fillAhead) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.segments = segments;
        this.epochCache = epochCache;
        this.producerState = producerState;
        this.groupCommit = groupCommit;
        this.offsets = offsets;
        this.fillAhead = fillAhead;
    }

    /**
     * A leader's batch: a client's retry of a recent batch is not written again; otherwise its sequence is checked
     * first. A coordinator's transactional batches all start at sequence 0 (as Kafka's do), so only client batches
     * are matched against earlier ones.
     */
    LogAppendResult appendAsLeader(BatchValidator.ValidatedBatch batch, int leaderEpoch, AppendOrigin origin,
                                   LogConfig cfg, long now, VerificationGuard guard) throws IOException {
        Optional<ProducerBatch> duplicate = origin == AppendOrigin.CLIENT ? producerState.findDuplicate(batch.header())
                : Optional.empty();
        if (duplicate.isPresent()) {
            return duplicateResult(duplicate.get(), batch.header(), cfg);
        }
        TxnMarker marker = batch.header().isControl() ? TxnMarker.parse(batch.buffer()) : null;
        producerState.validate(batch.header(), marker, origin, offsets.logStart(), guard);
        return write(batch, marker, leaderEpoch, cfg, now);
    }

    private LogAppendResult write(BatchValidator.ValidatedBatch batch, TxnMarker marker, int leaderEpoch, LogConfig cfg,
                                  long now) throws IOException {
        long firstOffset = offsets.logEnd();
        BatchHeader stored = OffsetAssigner.assign(batch, firstOffset, leaderEpoch, cfg.timestampType(), now);
        LogSegment active = segments.active();
        if (active.shouldRoll(stored.sizeInBytes(), stored.lastOffset(), now, cfg)) {
            active = roll(firstOffset, cfg);
        }
        epochCache.assign(leaderEpoch, firstOffset);
        active.fillAhead(fillAhead, cfg.segmentBytes());
        active.append(batch.buffer(), stored, cfg.indexIntervalBytes(), now);
        applyToProducerState(active, stored, marker, now);
        offsets.setLogEnd(stored.nextOffset()); // publishes the batch to readers
        boolean logAppendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME;
        return new LogAppendResult(firstOffset, stored.lastOffset(), logAppendTime ? now : RecordBatch.NO_TIMESTAMP,
                offsets.logStart(), stored.recordCount(), (int) stored.sizeInBytes(), false);
    }

    private LogAppendResult duplicateResult(ProducerBatch original, BatchHeader retry, LogConfig cfg) {
        log.debug("{}: producer {} retried sequences {}..{}, already at offsets {}..{}", topicPartition,
                retry.producerId(), original.firstSequence(), original.lastSequence(), original.firstOffset(),
                original.lastOffset());
        long appendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? original.timestamp()
                : RecordBatch.NO_TIMESTAMP;
        return new LogAppendResult(original.firstOffset(), original.lastOffset(), appendTime, offsets.logStart(),
                (int) (original.lastOffset() - original.firstOffset() + 1), (int) retry.sizeInBytes(), true);
    }

    /**
     * A follower's batches, byte for byte, skipping those the log already holds.
     *
     * @return the number of batches appended
     * @throws CorruptRecordException if a batch is malformed or starts below the log end
     */
    int appendAsFollower(ReplicatedBatchReader batches, LogConfig cfg, long now) throws IOException {
        int appended = 0;
        ReplicatedBatchReader.Batch batch;
        while ((batch = batches.next()) != null) {
            BatchHeader header = batch.header();
            long logEnd = offsets.logEnd();
            if (header.lastOffset() < logEnd) {
                continue;
            }
            if (header.baseOffset() < logEnd) { // above it is a gap the leader's cleaner left: fine
                throw new CorruptRecordException(topicPartition + ": replicated batch starts at offset "
                        + header.baseOffset() + " inside the log, which ends at " + logEnd);
            }
            LogSegment active = segments.active();
            if (active.shouldRoll(batch.size(), header.lastOffset(), now, cfg)) {
                active = roll(header.baseOffset(), cfg);
            }
            epochCache.assign(header.partitionLeaderEpoch(), header.baseOffset());
            active.fillAhead(fillAhead, cfg.segmentBytes());
            active.append(batch.buffer(), header, cfg.indexIntervalBytes(), now);
            applyToProducerState(active, header, header.isControl() ? TxnMarker.parse(batch.buffer()) : null, now);
            offsets.setLogEnd(header.nextOffset());
            appended++;
        }
        return appended;
    }

    /** Updates producer state with a batch just written to {@code segment}, indexing the abort it may end. */
    private void applyToProducerState(LogSegment segment, BatchHeader header, TxnMarker marker, long now)
            throws IOException {
        Optional<AbortedTxn> aborted = producerState.update(header, marker, now);
        if (aborted.isPresent()) {
            segment.appendAbortedTxn(aborted.get());
        }
    }

    /** Starts a new active segment at {@code baseOffset}. */
    LogSegment roll(long baseOffset, LogConfig cfg) throws IOException {
        LogSegment previous = segments.active();
        previous.onBecomeInactive();
        producerState.takeSnapshot(baseOffset);
        LogSegment next = LogSegment.create(dir.get(), baseOffset, cfg);
        groupCommit.onRoll(previous);
        segments.add(next);
        log.debug("{}: rolled to a new segment at offset {}", topicPartition, baseOffset);
        return next;
    }
}
