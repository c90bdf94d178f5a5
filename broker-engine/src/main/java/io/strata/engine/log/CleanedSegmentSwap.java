package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.segment.CleanedSegmentWriter;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.util.List;

/**
 * The live half of the cleaner's swap (see {@link SwapRecovery} for the protocol): renames a cleaned
 * segment's {@code .swap} files to the live names, opens it, and puts it in the map in place of the segments
 * it replaces. Runs under the log's append lock, inside its flusher's exclusive section, after the replaced
 * segments' files were renamed {@code .deleted} (so no live file of the same name remains); they stay in the map
 * until the cleaned segment takes their place.
 */
final class CleanedSegmentSwap {
    private CleanedSegmentSwap() {
    }

    static void install(java.nio.file.Path dir, long base, LogConfig config, Time time, LogSegments segments,
                        List<LogSegment> replaced) throws IOException {
        CleanedSegmentWriter.installSwap(dir, base);
        LogSegment cleaned = LogSegment.open(dir, base, config);
        try {
            if (!cleaned.loadTrusted()) {
                cleaned.recover(base, config.indexIntervalBytes(), time.milliseconds());
                cleaned.flushIndexes();
            }
        } catch (IOException | RuntimeException e) {
            cleaned.closeQuietly();
            throw e;
        }
        segments.add(cleaned); // takes the first replaced segment's key: readers never see a gap
        for (LogSegment old : replaced) {
            if (old.baseOffset() != base) {
                segments.remove(old.baseOffset());
            }
        }
    }
}
