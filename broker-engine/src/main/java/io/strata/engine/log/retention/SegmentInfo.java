package io.strata.engine.log.retention;

/**
 * What retention needs to know of one segment, in log order.
 *
 * @param baseOffset       the segment's base offset
 * @param nextOffset       the offset after its last batch (its base offset when empty)
 * @param sizeInBytes      bytes of whole batches
 * @param largestTimestamp the largest record timestamp (or the file's last-modified time without timestamps)
 */
public record SegmentInfo(long baseOffset, long nextOffset, long sizeInBytes, long largestTimestamp) {
}
