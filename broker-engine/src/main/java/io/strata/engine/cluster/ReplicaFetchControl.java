package io.strata.engine.cluster;

import org.apache.kafka.common.TopicPartition;

/**
 * Starts and stops replication of follower partitions; implemented by the replication layer's fetcher
 * manager. Called on the metadata path; implementations must not block on the network.
 */
public interface ReplicaFetchControl {
    /** Fetches {@code partition} from {@code leaderId} (re-targeting it if it followed another leader or epoch). */
    void follow(Partition partition, int leaderId);

    /** Stops fetching the partition (it is led here now, offline, or gone). */
    void unfollow(TopicPartition tp);

    /** For engines without replication: nothing to fetch. */
    ReplicaFetchControl NONE = new ReplicaFetchControl() {
        @Override
        public void follow(Partition partition, int leaderId) {
            throw new IllegalStateException("No replica fetcher to follow " + partition.topicPartition());
        }

        @Override
        public void unfollow(TopicPartition tp) {
        }
    };
}
