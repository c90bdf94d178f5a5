package io.strata.engine.group;

/**
 * One committed offset of a group for one partition, as stored in {@code __consumer_offsets}.
 *
 * @param leaderEpoch     epoch of the record at {@code offset - 1} as the consumer saw it, or -1
 * @param commitTimestamp broker time of the commit, the base of retention for standalone groups
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestamp) {
    public CommittedOffset {
        metadata = metadata == null ? "" : metadata;
    }
}
