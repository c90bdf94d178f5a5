package io.strata.engine.log.cleaner;

/**
 * How the segments to clean are grouped, each group rewritten into one new segment (Kafka's
 * {@code groupSegmentsBySize}, decided as the clean goes): the next source segment joins the group if the new
 * segment written so far plus that segment's size (what it can add at most) fits {@code segment.bytes}, and the
 * group's offsets, relative to its base, still fit the index's 32-bit entries. Deciding on the bytes written
 * rather than the source sizes lets the small segments of earlier cleans merge in one pass. (The new
 * segment's indexes get sparser if they would overflow, so index size is no constraint here.)
 */
final class SegmentGroups {
    /** What grouping needs of a segment. */
    record SegmentInfo(long baseOffset, long sizeInBytes, long nextOffset) {
    }

    private SegmentGroups() {
    }

    /** Whether {@code next} may join the group based at {@code groupBase} whose new segment has {@code writtenBytes}. */
    static boolean fits(long groupBase, long writtenBytes, SegmentInfo next, long maxBytes) {
        return writtenBytes + next.sizeInBytes() <= maxBytes && next.nextOffset() - 1 - groupBase <= Integer.MAX_VALUE;
    }
}
