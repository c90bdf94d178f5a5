package io.strata.engine.log;

import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Safe deletion of one log's segments (retention, DeleteRecords, and segments a log cleaner replaced): a
 * segment leaves the segment map at once (a replaced one when its cleaned successor takes its place), so no new
 * read finds it; its files
 * are renamed {@code .deleted} (a crash from then on deletes them at the next load); after the topic's
 * {@code file.delete.delay.ms} the log's reference is released, and the files are closed and deleted once no
 * reader (a fetch response still being sent) holds one either.
 *
 * <p>Threading: {@link #removeAndScheduleDeletion} runs under the owning log's append lock (inside its group
 * commit's exclusive section, so no fsync is touching the segments); the delayed release runs on the log
 * manager's background thread; {@link #closeAll} at log close. The pending set is concurrent.
 */
public final class SegmentDeletion {
    private static final Logger log = LoggerFactory.getLogger(SegmentDeletion.class);

    private final TopicPartition topicPartition;
    /** The broker's log background pool (not owned here); null deletes as soon as no reader holds a segment. */
    private final ScheduledExecutorService scheduler;
    private final Set<LogSegment> pending = ConcurrentHashMap.newKeySet();

    SegmentDeletion(TopicPartition topicPartition, ScheduledExecutorService scheduler) {
        this.topicPartition = topicPartition;
        this.scheduler = scheduler;
    }

    /**
     * Takes {@code doomed} out of {@code segments} (each only if it is still the segment mapped at its base
     * offset) and schedules their deletion after {@code delayMs}. The caller holds the log's append lock and
     * never passes the active segment.
     */
    public void removeAndScheduleDeletion(LogSegments segments, Collection<LogSegment> doomed, long delayMs)
            throws IOException {
        for (LogSegment s : doomed) {
            segments.remove(s);
        }
        renameAndScheduleDeletion(doomed, delayMs);
    }

    /**
     * Renames {@code doomed}'s files {@code .deleted} and schedules their deletion, leaving the segment map to the
     * caller: the cleaner's swap, which puts the cleaned segment in the replaced ones' place only after their files
     * made room for its own. The caller holds the log's append lock.
     */
    public void renameAndScheduleDeletion(Collection<LogSegment> doomed, long delayMs) throws IOException {
        List<LogSegment> list = List.copyOf(doomed);
        for (LogSegment s : list) {
            s.renameForDeletion();
            pending.add(s);
        }
        if (scheduler == null || delayMs <= 0) {
            list.forEach(this::releaseLogReference);
            return;
        }
        try {
            scheduler.schedule(() -> list.forEach(this::releaseLogReference), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            list.forEach(this::releaseLogReference); // shutting down
        }
    }

    private void releaseLogReference(LogSegment segment) {
        if (pending.remove(segment)) {
            segment.release();
            log.debug("{}: released deleted segment {} ({} reader reference(s) left)", topicPartition, segment,
                    Math.max(0, segment.referenceCount()));
        }
    }

    /** Segments removed from the log whose files still exist (for tests and metrics). */
    public int pendingCount() {
        return pending.size();
    }

    /** At log close: closes the pending segments' files now; the {@code .deleted} files go at the next load. */
    void closeAll() {
        for (LogSegment s : List.copyOf(pending)) {
            pending.remove(s);
            s.closeQuietly();
        }
    }
}
