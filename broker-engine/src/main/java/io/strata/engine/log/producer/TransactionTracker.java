package io.strata.engine.log.producer;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The transactions of one partition that hold back its last stable offset: the ongoing ones (first offset to
 * producer id) and the completed ones whose marker the high watermark has not passed yet (first offset to marker
 * offset): until their marker is committed it may still be truncated away, which would reopen them.
 *
 * <p>Threading: changed by the owning {@link ProducerStateManager} under its monitor (append path, loading);
 * read lock-free by fetches. Completed entries are pruned by readers once the high watermark passes their
 * marker; the high watermark only moves forward, and truncation reloads everything under the monitor.
 */
final class TransactionTracker {
    private final ConcurrentSkipListMap<Long, Long> ongoing = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, Long> unreplicated = new ConcurrentSkipListMap<>();

    void begin(long firstOffset, long producerId) {
        ongoing.put(firstOffset, producerId);
    }

    /** The transaction at {@code firstOffset} ended with a marker at {@code markerOffset}. */
    void complete(long firstOffset, long markerOffset) {
        ongoing.remove(firstOffset);
        unreplicated.put(firstOffset, markerOffset);
    }

    void forget(long firstOffset) {
        ongoing.remove(firstOffset);
    }

    /** First offset of the oldest ongoing transaction. */
    OptionalLong firstOngoingOffset() {
        Map.Entry<Long, Long> first = ongoing.firstEntry();
        return first == null ? OptionalLong.empty() : OptionalLong.of(first.getKey());
    }

    /** First offset of the oldest transaction that is ongoing or completed at or above {@code highWatermark}. */
    OptionalLong firstUnstableOffset(long highWatermark) {
        long unstable = Long.MAX_VALUE;
        for (Map.Entry<Long, Long> e : unreplicated.entrySet()) {
            if (e.getValue() < highWatermark) {
                unreplicated.remove(e.getKey(), e.getValue()); // its marker is committed: stable for good
            } else {
                unstable = e.getKey();
                break;
            }
        }
        Map.Entry<Long, Long> first = ongoing.firstEntry();
        if (first != null) {
            unstable = Math.min(unstable, first.getKey());
        }
        return unstable == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(unstable);
    }

    int ongoingCount() {
        return ongoing.size();
    }

    void clear() {
        ongoing.clear();
        unreplicated.clear();
    }
}
