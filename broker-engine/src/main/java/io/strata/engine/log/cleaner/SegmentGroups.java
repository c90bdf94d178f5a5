package io.strata.engine.log.cleaner;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the segments to clean into groups, each rewritten into one new segment (Kafka's
 * {@code groupSegmentsBySize}): consecutive segments whose total size fits {@code segment.bytes} and whose
 * offsets, relative to the group's base, fit the index's 32-bit entries. Cleaning shrinks segments, so groups
 * merge the small ones a previous clean left behind. (The new segment's indexes are sparser if they would
 * overflow, so index size is no constraint here.)
 */
final class SegmentGroups {
    /** What grouping needs of a segment. */
    record SegmentInfo(long baseOffset, long sizeInBytes, long nextOffset) {
    }

    private SegmentGroups() {
    }

    static <S> List<List<S>> group(List<S> segments, java.util.function.Function<S, SegmentInfo> info, long maxBytes) {
        List<List<S>> groups = new ArrayList<>();
        int i = 0;
        while (i < segments.size()) {
            List<S> group = new ArrayList<>();
            SegmentInfo first = info.apply(segments.get(i));
            group.add(segments.get(i++));
            long bytes = first.sizeInBytes();
            while (i < segments.size()) {
                SegmentInfo next = info.apply(segments.get(i));
                if (bytes + next.sizeInBytes() > maxBytes
                        || next.nextOffset() - 1 - first.baseOffset() > Integer.MAX_VALUE) {
                    break;
                }
                bytes += next.sizeInBytes();
                group.add(segments.get(i++));
            }
            groups.add(group);
        }
        return groups;
    }
}
