package io.strata.engine.cluster;

/** What a partition tells its owner: waiting produces and fetches may now complete. Called without locks held. */
public interface PartitionListener {
    /** The high watermark moved forward. */
    void onHighWatermarkAdvanced(Partition partition);

    /** This broker stopped leading the partition (or leads it under a new epoch). */
    void onLeadershipChanged(Partition partition);

    /** A follower's log start offset rose, so the low watermark (DeleteRecords waits on it) may have. */
    default void onLowWatermarkMayHaveAdvanced(Partition partition) {
    }
}
