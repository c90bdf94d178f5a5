package io.strata.engine.config;

/**
 * How followers replicate from leaders and when the leader counts them in sync; names and defaults are
 * Kafka's broker settings.
 *
 * @param replicaLagTimeMaxMs          a follower that has not caught up with the leader's log end for this long
 *                                     leaves the ISR ({@code replica.lag.time.max.ms})
 * @param replicaFetchWaitMaxMs        how long a follower's fetch waits at the leader for data
 *                                     ({@code replica.fetch.wait.max.ms})
 * @param replicaFetchMinBytes         bytes a follower's fetch waits for ({@code replica.fetch.min.bytes})
 * @param replicaFetchMaxBytes         bytes per partition per fetch, at least one batch
 *                                     ({@code replica.fetch.max.bytes})
 * @param replicaFetchResponseMaxBytes bytes per fetch response ({@code replica.fetch.response.max.bytes})
 * @param replicaFetchBackoffMs        pause after a failed fetch ({@code replica.fetch.backoff.ms})
 * @param replicaSocketTimeoutMs       a fetch whose response takes longer than this (beyond its wait) fails and
 *                                     the connection is re-opened ({@code replica.socket.timeout.ms})
 * @param numReplicaFetchers           fetcher threads per source broker; only 1 is implemented
 *                                     ({@code num.replica.fetchers})
 */
public record ReplicationConfig(long replicaLagTimeMaxMs, int replicaFetchWaitMaxMs, int replicaFetchMinBytes,
                                int replicaFetchMaxBytes, int replicaFetchResponseMaxBytes, long replicaFetchBackoffMs,
                                int replicaSocketTimeoutMs, int numReplicaFetchers) {

    public ReplicationConfig {
        if (replicaLagTimeMaxMs <= 0 || replicaFetchWaitMaxMs < 0 || replicaFetchMinBytes < 1
                || replicaFetchMaxBytes < 1 || replicaFetchResponseMaxBytes < 1 || replicaFetchBackoffMs < 0
                || replicaSocketTimeoutMs < replicaFetchWaitMaxMs) {
            throw new IllegalArgumentException("Invalid replication settings: " + this);
        }
        if (numReplicaFetchers != 1) {
            throw new IllegalArgumentException("num.replica.fetchers must be 1 (one fetcher per source broker), got "
                    + numReplicaFetchers);
        }
    }

    /** Kafka's defaults. */
    public static ReplicationConfig defaults() {
        return new ReplicationConfig(30_000, 500, 1, 1024 * 1024, 10 * 1024 * 1024, 1_000, 30_000, 1);
    }

    /** With a shorter lag time (tests). */
    public ReplicationConfig withReplicaLagTimeMaxMs(long lagMs) {
        return new ReplicationConfig(lagMs, replicaFetchWaitMaxMs, replicaFetchMinBytes, replicaFetchMaxBytes,
                replicaFetchResponseMaxBytes, replicaFetchBackoffMs, replicaSocketTimeoutMs, numReplicaFetchers);
    }

    /** With a shorter fetch backoff (tests). */
    public ReplicationConfig withReplicaFetchBackoffMs(long backoffMs) {
        return new ReplicationConfig(replicaLagTimeMaxMs, replicaFetchWaitMaxMs, replicaFetchMinBytes,
                replicaFetchMaxBytes, replicaFetchResponseMaxBytes, backoffMs, replicaSocketTimeoutMs,
                numReplicaFetchers);
    }
}
