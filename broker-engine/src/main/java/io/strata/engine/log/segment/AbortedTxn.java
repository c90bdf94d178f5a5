package io.strata.engine.log.segment;

/**
 * One aborted transaction as the {@code .txnindex} stores it: its producer, the offsets of its first data batch and
 * of its abort marker, and the partition's last stable offset once the marker was written (a fetch collecting
 * aborted transactions below some offset can stop at the first entry whose last stable offset reaches it).
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {
}
