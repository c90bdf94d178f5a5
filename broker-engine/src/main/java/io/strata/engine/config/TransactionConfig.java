package io.strata.engine.config;

/**
 * Transaction coordinator settings, named after the Kafka broker configs they mirror, with Kafka's defaults.
 * Immutable value; enforced by {@code txn.TransactionCoordinator} (topic creation, timeouts, expiry).
 *
 * @param stateLogNumPartitions       partitions of {@code __transaction_state}, fixed once it exists
 *                                    ({@code transaction.state.log.num.partitions})
 * @param stateLogReplicationFactor   its replication factor ({@code transaction.state.log.replication.factor});
 *                                    not capped: until that many brokers are live the topic is not created and
 *                                    FindCoordinator answers COORDINATOR_NOT_AVAILABLE
 * @param stateLogMinIsr              its {@code min.insync.replicas}, applied as min(min ISR, replication factor)
 *                                    like every topic ({@code transaction.state.log.min.isr})
 * @param stateLogSegmentBytes        its segment size ({@code transaction.state.log.segment.bytes}); the log
 *                                    cleaner compacts it like any compacted topic
 * @param maxTimeoutMs                largest {@code transaction.timeout.ms} a producer may ask for; larger requests
 *                                    get INVALID_TRANSACTION_TIMEOUT ({@code transaction.max.timeout.ms})
 * @param idExpirationMs              a transactional id with no transaction in progress and no update for this
 *                                    long is removed ({@code transactional.id.expiration.ms})
 * @param abortTimedOutCheckIntervalMs how often transactions past their timeout are looked for and aborted
 *                                    ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms})
 * @param removeExpiredCheckIntervalMs how often expired transactional ids are looked for and removed
 *                                    ({@code transaction.remove.expired.transaction.cleanup.interval.ms})
 * @param partitionVerificationEnable  partition leaders verify with the transaction coordinator that a transactional
 *                                    batch starting a transaction on a partition belongs to an ongoing transaction
 *                                    (KIP-890 part 1, {@code transaction.partition.verification.enable}, default true)
 */
public record TransactionConfig(int stateLogNumPartitions, short stateLogReplicationFactor, int stateLogMinIsr,
                                int stateLogSegmentBytes, int maxTimeoutMs, long idExpirationMs,
                                long abortTimedOutCheckIntervalMs, long removeExpiredCheckIntervalMs,
                                boolean partitionVerificationEnable) {

    /** With partition verification on (Kafka's default). */
    public TransactionConfig(int stateLogNumPartitions, short stateLogReplicationFactor, int stateLogMinIsr,
                             int stateLogSegmentBytes, int maxTimeoutMs, long idExpirationMs,
                             long abortTimedOutCheckIntervalMs, long removeExpiredCheckIntervalMs) {
        this(stateLogNumPartitions, stateLogReplicationFactor, stateLogMinIsr, stateLogSegmentBytes, maxTimeoutMs,
                idExpirationMs, abortTimedOutCheckIntervalMs, removeExpiredCheckIntervalMs, true);
    }

    public TransactionConfig {
        if (stateLogNumPartitions < 1) {
            throw new IllegalArgumentException("transaction.state.log.num.partitions must be at least 1, got "
                    + stateLogNumPartitions);
        }
        if (stateLogReplicationFactor < 1) {
            throw new IllegalArgumentException("transaction.state.log.replication.factor must be at least 1, got "
                    + stateLogReplicationFactor);
        }
        if (stateLogMinIsr < 1) {
            throw new IllegalArgumentException("transaction.state.log.min.isr must be at least 1, got "
                    + stateLogMinIsr);
        }
        if (stateLogSegmentBytes < 1) {
            throw new IllegalArgumentException("transaction.state.log.segment.bytes must be at least 1, got "
                    + stateLogSegmentBytes);
        }
        if (maxTimeoutMs < 1) {
            throw new IllegalArgumentException("transaction.max.timeout.ms must be at least 1, got " + maxTimeoutMs);
        }
        if (idExpirationMs < 1) {
            throw new IllegalArgumentException("transactional.id.expiration.ms must be at least 1, got "
                    + idExpirationMs);
        }
        if (abortTimedOutCheckIntervalMs < 1 || removeExpiredCheckIntervalMs < 1) {
            throw new IllegalArgumentException("Transaction cleanup intervals must be at least 1 ms, got "
                    + abortTimedOutCheckIntervalMs + " and " + removeExpiredCheckIntervalMs);
        }
    }

    /** Kafka's defaults (replication factor 3: a single broker needs {@link #withStateLogReplicationFactor}). */
    public static TransactionConfig defaults() {
        return new TransactionConfig(50, (short) 3, 2, 100 * 1024 * 1024, 900_000, 7L * 24 * 60 * 60 * 1000,
                10_000, 3_600_000);
    }

    /** The min ISR the topic gets: never more than its replication factor, as for every topic. */
    public int effectiveStateLogMinIsr() {
        return Math.min(stateLogMinIsr, stateLogReplicationFactor);
    }

    public TransactionConfig withStateLogNumPartitions(int partitions) {
        return new TransactionConfig(partitions, stateLogReplicationFactor, stateLogMinIsr, stateLogSegmentBytes,
                maxTimeoutMs, idExpirationMs, abortTimedOutCheckIntervalMs, removeExpiredCheckIntervalMs, partitionVerificationEnable);
    }

    public TransactionConfig withStateLogReplicationFactor(short replicationFactor) {
        return new TransactionConfig(stateLogNumPartitions, replicationFactor, stateLogMinIsr, stateLogSegmentBytes,
                maxTimeoutMs, idExpirationMs, abortTimedOutCheckIntervalMs, removeExpiredCheckIntervalMs, partitionVerificationEnable);
    }

    public TransactionConfig withMaxTimeoutMs(int timeoutMs) {
        return new TransactionConfig(stateLogNumPartitions, stateLogReplicationFactor, stateLogMinIsr,
                stateLogSegmentBytes, timeoutMs, idExpirationMs, abortTimedOutCheckIntervalMs,
                removeExpiredCheckIntervalMs, partitionVerificationEnable);
    }

    public TransactionConfig withIdExpirationMs(long expirationMs) {
        return new TransactionConfig(stateLogNumPartitions, stateLogReplicationFactor, stateLogMinIsr,
                stateLogSegmentBytes, maxTimeoutMs, expirationMs, abortTimedOutCheckIntervalMs,
                removeExpiredCheckIntervalMs, partitionVerificationEnable);
    }

    /** With a shorter timed-out transaction check (tests). */
    public TransactionConfig withAbortTimedOutCheckIntervalMs(long intervalMs) {
        return new TransactionConfig(stateLogNumPartitions, stateLogReplicationFactor, stateLogMinIsr,
                stateLogSegmentBytes, maxTimeoutMs, idExpirationMs, intervalMs, removeExpiredCheckIntervalMs, partitionVerificationEnable);
    }

    public TransactionConfig withRemoveExpiredCheckIntervalMs(long intervalMs) {
        return new TransactionConfig(stateLogNumPartitions, stateLogReplicationFactor, stateLogMinIsr,
                stateLogSegmentBytes, maxTimeoutMs, idExpirationMs, abortTimedOutCheckIntervalMs, intervalMs, partitionVerificationEnable);
    }

    public TransactionConfig withPartitionVerificationEnable(boolean enable) {
        return new TransactionConfig(stateLogNumPartitions, stateLogReplicationFactor, stateLogMinIsr,
                stateLogSegmentBytes, maxTimeoutMs, idExpirationMs, abortTimedOutCheckIntervalMs,
                removeExpiredCheckIntervalMs, enable);
    }
}
