package io.strata.engine.log;

import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.log.validation.BatchValidator;
import org.apache.kafka.common.record.TimestampType;

/**
 * Rewrites the few header fields the leader owns, in place: the base offset, the partition leader epoch
 * and, for LogAppendTime topics, the max timestamp and timestamp-type attribute (which changes the CRC, so
 * it is recomputed). Records are untouched. Runs under the log's append lock.
 */
final class OffsetAssigner {

    private OffsetAssigner() {
    }

    /**
     * @return the batch header as it will be stored, or the same values at the new offsets
     */
    static BatchHeader assign(BatchValidator.ValidatedBatch validated, long firstOffset, int leaderEpoch,
                              TimestampType timestampType, long nowMs) {
        var batch = validated.batch();
        batch.setLastOffset(firstOffset + validated.header().lastOffsetDelta());
        batch.setPartitionLeaderEpoch(leaderEpoch);
        if (timestampType == TimestampType.LOG_APPEND_TIME) {
            batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, nowMs);
        }
        return BatchHeader.parse(validated.buffer(), validated.buffer().position(), -1);
    }
}
