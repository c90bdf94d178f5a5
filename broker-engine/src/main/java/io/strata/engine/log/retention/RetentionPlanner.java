package io.strata.engine.log.retention;

import io.strata.engine.config.LogConfig;

import java.util.List;

/**
 * Decides which of a log's oldest segments retention deletes, with Kafka's rules (UnifiedLog.deleteOldSegments):
 * <ul>
 *   <li>retention.ms (when cleanup.policy contains delete; -1 is unlimited): each oldest segment whose largest
 *       timestamp is more than retention.ms before now, stopping at the first that is younger;</li>
 *   <li>retention.bytes (when cleanup.policy contains delete; -1 is unlimited): each oldest segment whose removal
 *       still leaves the log at least retention.bytes large, stopping at the first that does not;</li>
 *   <li>the log start offset (any policy): each oldest segment whose successor starts at or below the log
 *       start offset, i.e. wholly below it (never the active segment).</li>
 * </ul>
 * Every rule also requires the whole segment to be below the high watermark (its successor's base offset, or
 * the log end for the active segment), and never takes an empty active segment. Deleting a prefix by one rule
 * and then applying the next to what is left reaches the same prefix as taking the longest of the three, so
 * the plan is that longest prefix. Pure and stateless: it looks only at the values it is given.
 */
public final class RetentionPlanner {

    private RetentionPlanner() {
    }

    /**
     * @param segments the log's segments in offset order, the active (last) one included
     */
    public static RetentionPlan plan(List<SegmentInfo> segments, long logStartOffset, long logEndOffset,
                                     long highWatermark, LogConfig config, long nowMs) {
        int byStart = prefix(segments, logEndOffset, highWatermark,
                (i, next) -> next >= 0 && next <= logStartOffset);
        int byTime = 0;
        int bySize = 0;
        if (config.delete()) {
            long retentionMs = config.retentionMs();
            if (retentionMs >= 0) {
                byTime = prefix(segments, logEndOffset, highWatermark,
                        (i, next) -> nowMs - segments.get(i).largestTimestamp() > retentionMs);
            }
            long retentionBytes = config.retentionBytes();
            if (retentionBytes >= 0) {
                long total = 0;
                for (SegmentInfo s : segments) {
                    total += s.sizeInBytes();
                }
                long[] excess = {total - retentionBytes};
                bySize = excess[0] <= 0 ? 0 : prefix(segments, logEndOffset, highWatermark, (i, next) -> {
                    long size = segments.get(i).sizeInBytes();
                    if (excess[0] - size < 0) {
                        return false;
                    }
                    excess[0] -= size;
                    return true;
                });
            }
        }
        int longest = Math.max(byStart, Math.max(byTime, bySize));
        if (longest == 0) {
            return RetentionPlan.NOTHING;
        }
        RetentionReason reason = longest == byTime ? RetentionReason.RETENTION_MS
                : longest == bySize ? RetentionReason.RETENTION_BYTES : RetentionReason.LOG_START_OFFSET;
        return new RetentionPlan(longest, reason);
    }

    /** A rule on the segment at index {@code i}; {@code nextBase} is its successor's base offset, or -1 for the last. */
    private interface Rule {
        boolean deletes(int i, long nextBase);
    }

    /** The number of leading segments the rule (and the high watermark) let go, stopping at the first kept. */
    private static int prefix(List<SegmentInfo> segments, long logEndOffset, long highWatermark, Rule rule) {
        int n = 0;
        for (int i = 0; i < segments.size(); i++) {
            boolean last = i == segments.size() - 1;
            long nextBase = last ? -1 : segments.get(i + 1).baseOffset();
            long upper = last ? logEndOffset : nextBase;
            boolean emptyActive = last && segments.get(i).sizeInBytes() == 0;
            if (emptyActive || highWatermark < upper || !rule.deletes(i, nextBase)) {
                break;
            }
            n++;
        }
        return n;
    }
}
