package io.strata.engine.log;

import io.strata.engine.log.segment.FileSlice;
import org.apache.kafka.common.record.internal.BaseRecords;

/**
 * The result of a log read.
 *
 * @param records     whole batches as a {@link FileSlice} of one segment (holding a segment reference its holder
 *                    must {@link FileSlice#release() release}), or {@code MemoryRecords.EMPTY}
 * @param recordCount sum over the returned batches of lastOffsetDelta + 1
 * @param nextOffset  the offset after the last returned batch, or the requested offset if nothing was returned
 */
public record LogReadResult(BaseRecords records, int recordCount, long nextOffset, long highWatermark,
                            long logStartOffset, long logEndOffset) {
}
