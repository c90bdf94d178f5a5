package io.strata.engine.cluster;

import io.strata.engine.log.validation.AppendOrigin;
import io.strata.engine.log.LogAppendResult;
import io.strata.engine.log.LogReadResult;
import io.strata.engine.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.util.Optional;

/**
 * A partition hosted by this broker: its log plus leadership state. On a single node this broker
 * leads every partition and the ISR is just itself, so the high watermark is the durable end of the
 * log: the fsynced offset when the topic fsyncs each append (Strata's default), else the log end.
 *
 * <p>Leadership fields are written by the metadata path and read by request threads (volatile); log
 * access is thread-safe inside {@link PartitionLog}.
 */
public final class Partition {
    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final PartitionLog log;
    private volatile int leaderEpoch;

    public Partition(TopicPartition topicPartition, Uuid topicId, PartitionLog log, int leaderEpoch) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.leaderEpoch = leaderEpoch;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public PartitionLog log() {
        return log;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public void becomeLeader(int epoch) {
        this.leaderEpoch = epoch;
    }

    /** Fences clients that act on an older or newer leader epoch than ours (-1 skips the check). */
    public void checkLeaderEpoch(int clientEpoch) {
        if (clientEpoch < 0) {
            return;
        }
        int current = leaderEpoch;
        if (clientEpoch < current) {
            throw new FencedLeaderEpochException("Leader epoch " + clientEpoch + " of " + topicPartition
                    + " is older than the current " + current);
        }
        if (clientEpoch > current) {
            throw new UnknownLeaderEpochException("Leader epoch " + clientEpoch + " of " + topicPartition
                    + " is newer than the current " + current);
        }
    }

    /** Appends as leader and advances the high watermark to what is now durable. */
    public LogAppendResult appendAsLeader(MemoryRecords records) {
        return appendAsLeader(records, AppendOrigin.CLIENT);
    }

    /** Appends for producers or for a coordinator of this broker writing its internal topic. */
    public LogAppendResult appendAsLeader(MemoryRecords records, AppendOrigin origin) {
        LogAppendResult result = log.appendAsLeader(records, leaderEpoch, origin);
        advanceHighWatermark();
        return result;
    }

    /**
     * Appends a producer's batch without waiting for fsync; {@link #makeDurable} must follow before the
     * batch is acknowledged. Until then the high watermark does not cover it.
     */
    public LogAppendResult appendAsLeaderDeferred(MemoryRecords records) {
        LogAppendResult result = log.appendAsLeader(records, leaderEpoch, AppendOrigin.CLIENT, true);
        if (!commitNeedsFsync()) {
            advanceHighWatermark();
        }
        return result;
    }

    /** Whether an append counts as committed only after an fsync (the topic's flush policy). */
    public boolean commitNeedsFsync() {
        return log.config().fsyncEachAppend();
    }

    /** Makes everything below {@code nextOffset} durable per the topic's flush policy and advances the high watermark. */
    public void makeDurable(long nextOffset) {
        if (commitNeedsFsync()) {
            log.flushTo(nextOffset);
        }
        advanceHighWatermark();
    }

    /** The high watermark a single-node ISR allows: everything durable by the topic's flush policy. */
    public void advanceHighWatermark() {
        long committed = commitNeedsFsync() ? log.flushedOffset() : log.logEndOffset();
        log.updateHighWatermark(committed);
    }

    /**
     * Reads for a consumer (bounded by the high watermark, or the last stable offset for read_committed)
     * or a replica (bounded by the log end).
     */
    public LogReadResult read(long fetchOffset, int maxBytes, FetchBound bound, boolean minOneMessage) {
        long upperBound = switch (bound) {
            case HIGH_WATERMARK -> log.highWatermark();
            case LAST_STABLE_OFFSET -> lastStableOffset();
            case LOG_END -> log.logEndOffset();
        };
        return log.read(fetchOffset, maxBytes, upperBound, minOneMessage);
    }

    /** First offset that read_committed consumers must not pass: the HW or an open transaction's start. */
    public long lastStableOffset() {
        long hw = log.highWatermark();
        return log.producerState().firstUnstableOffset().stream().map(o -> Math.min(o, hw)).findFirst().orElse(hw);
    }

    public Optional<Integer> leaderEpochForOffset(long offset) {
        int epoch = log.leaderEpochCache().epochForOffset(offset);
        return epoch < 0 ? Optional.empty() : Optional.of(epoch);
    }

    /** Which offset a fetch may read up to. */
    public enum FetchBound { HIGH_WATERMARK, LAST_STABLE_OFFSET, LOG_END }
}
