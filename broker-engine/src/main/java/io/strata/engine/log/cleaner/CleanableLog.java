package io.strata.engine.log.cleaner;

import io.strata.engine.log.PartitionLog;

/**
 * A compacted log as the cleaner sees it at one moment: its clean section ends at {@code firstDirtyOffset}
 * (the cleaner checkpoint), and it may be cleaned up to {@code firstUncleanableOffset}.
 *
 * @param cleanBytes     bytes of the segments below the first dirty offset
 * @param cleanableBytes bytes of the segments holding offsets in [firstDirty, firstUncleanable)
 * @param forced         its oldest dirty record is older than max.compaction.lag.ms: cleaned even below the ratio
 */
record CleanableLog(PartitionLog log, long firstDirtyOffset, long firstUncleanableOffset, long cleanBytes,
                    long cleanableBytes, boolean forced) {

    double dirtyRatio() {
        long total = cleanBytes + cleanableBytes;
        return total == 0 ? 0 : (double) cleanableBytes / total;
    }
}
