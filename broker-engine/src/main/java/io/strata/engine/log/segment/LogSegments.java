package io.strata.engine.log.segment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of a log by base offset. Changed under the log's append lock, read lock-free by request
 * threads (a concurrent skip list, so iteration never fails while a segment is added or removed).
 */
public final class LogSegments {
    private final ConcurrentNavigableMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

    public void add(LogSegment segment) {
        segments.put(segment.baseOffset(), segment);
    }

    public LogSegment remove(long baseOffset) {
        return segments.remove(baseOffset);
    }

    /** Removes {@code segment} only if it is still the one mapped at its base offset (not a replacement). */
    public boolean remove(LogSegment segment) {
        return segments.remove(segment.baseOffset(), segment);
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    public int count() {
        return segments.size();
    }

    /** Bytes of all segments' published batches. */
    public long sizeInBytes() {
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.sizeInBytes();
        }
        return total;
    }

    /** The segment appends go to: the one with the highest base offset. */
    public LogSegment active() {
        Map.Entry<Long, LogSegment> last = segments.lastEntry();
        return last == null ? null : last.getValue();
    }

    public LogSegment first() {
        Map.Entry<Long, LogSegment> first = segments.firstEntry();
        return first == null ? null : first.getValue();
    }

    /** The segment that would hold {@code offset}, or null if it is below every segment. */
    public LogSegment floor(long offset) {
        Map.Entry<Long, LogSegment> e = segments.floorEntry(offset);
        return e == null ? null : e.getValue();
    }

    /** The segment after the one based at {@code baseOffset}, or null. */
    public LogSegment next(long baseOffset) {
        Map.Entry<Long, LogSegment> e = segments.higherEntry(baseOffset);
        return e == null ? null : e.getValue();
    }

    /** Segments from the one holding {@code offset} (or the first) onward, in order. */
    public Collection<LogSegment> from(long offset) {
        Long floor = segments.floorKey(offset);
        return (floor == null ? segments : segments.tailMap(floor, true)).values();
    }

    /** Segments with base offsets strictly above {@code offset}. */
    public List<LogSegment> above(long offset) {
        return new ArrayList<>(segments.tailMap(offset, false).values());
    }

    public Collection<LogSegment> all() {
        return segments.values();
    }

    /** True if a segment with a higher base offset follows this one. */
    boolean hasNext(LogSegment segment) {
        return segments.higherKey(segment.baseOffset()) != null;
    }
}
