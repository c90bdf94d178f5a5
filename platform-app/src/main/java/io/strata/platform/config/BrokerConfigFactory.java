package io.strata.platform.config;

import io.strata.engine.config.GroupConfig;
import io.strata.engine.config.LogManagerConfig;
import io.strata.engine.config.TopicConfigs;
import io.strata.engine.config.BrokerConfig;
import io.strata.engine.config.ReplicationConfig;
import io.strata.engine.config.TransactionConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.springframework.util.unit.DataSize;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/** Maps {@link StrataProperties} onto the engine's {@link BrokerConfig}, rejecting what the engine cannot run. */
public final class BrokerConfigFactory {
    /** Subdirectory of {@code strata.data-dir} holding the partition logs. */
    public static final String LOG_DIR = "logs";

    private BrokerConfigFactory() {
    }

    public static BrokerConfig create(StrataProperties properties) {
        StrataProperties.Kafka kafka = properties.kafka();
        long maxBytes = kafka.socketRequestMaxBytes().toBytes();
        if (maxBytes < 1024 || maxBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("strata.kafka.socket-request-max-bytes must be between 1KB and "
                    + Integer.MAX_VALUE + " bytes, got " + kafka.socketRequestMaxBytes());
        }
        try {
            TopicConfigs.validate(properties.logDefaults());
        } catch (InvalidConfigurationException e) {
            throw new IllegalArgumentException("Invalid strata.log-defaults: " + e.getMessage(), e);
        }
        if (properties.broker().sessionTimeout().compareTo(properties.broker().heartbeatInterval()) <= 0) {
            throw new IllegalArgumentException("strata.broker.session-timeout (" + properties.broker().sessionTimeout()
                    + ") must be longer than strata.broker.heartbeat-interval ("
                    + properties.broker().heartbeatInterval() + ")");
        }
        Path logDir = properties.dataDir().toAbsolutePath().normalize().resolve(LOG_DIR);
        return new BrokerConfig(properties.broker().id(), kafka.host(), kafka.port(),
                advertisedHost(kafka), kafka.advertisedPort(), blankToNull(properties.broker().rack()), logDir,
                (int) maxBytes, kafka.ioThreads(), kafka.networkThreads(), properties.topics().defaultPartitions(),
                (short) properties.topics().defaultReplicationFactor(), properties.topics().autoCreate(),
                properties.logDefaults(), groupConfig(properties.groups()))
                .withIntervals(positiveMillis("strata.broker.heartbeat-interval", properties.broker().heartbeatInterval()),
                        positiveMillis("strata.broker.metadata-poll-interval", properties.broker().metadataPollInterval()))
                .withControlledShutdownTimeoutMs(nonNegativeMillis("strata.broker.controlled-shutdown-timeout",
                        properties.broker().controlledShutdownTimeout()))
                .withReplication(replicationConfig(properties.replication()))
                .withLogManager(logManagerConfig(properties.log()))
                .withTransactions(transactionConfig(properties.transactions()));
    }

    static TransactionConfig transactionConfig(StrataProperties.Transactions txn) {
        return new TransactionConfig(txn.stateLogNumPartitions(), (short) txn.stateLogReplicationFactor(),
                txn.stateLogMinIsr(),
                intBytes("strata.transactions.state-log-segment-bytes", txn.stateLogSegmentBytes()),
                intMillis("strata.transactions.max-timeout", txn.maxTimeout(), 1),
                positiveMillis("strata.transactions.transactional-id-expiration", txn.transactionalIdExpiration()),
                positiveMillis("strata.transactions.abort-timed-out-transaction-cleanup-interval",
                        txn.abortTimedOutTransactionCleanupInterval()),
                positiveMillis("strata.transactions.remove-expired-transaction-cleanup-interval",
                        txn.removeExpiredTransactionCleanupInterval()),
                txn.partitionVerification());
    }

    static LogManagerConfig logManagerConfig(StrataProperties.Log log) {
        StrataProperties.Cleaner cleaner = log.cleaner();
        long dedupe = cleaner.dedupeBufferSize().toBytes();
        if (dedupe < 1024) {
            throw new IllegalArgumentException("strata.log.cleaner.dedupe-buffer-size must be at least 1KB, got "
                    + cleaner.dedupeBufferSize());
        }
        double ioMax = cleaner.ioMaxBytesPerSecond() == null ? Double.MAX_VALUE
                : cleaner.ioMaxBytesPerSecond().toBytes();
        if (!(ioMax > 0)) {
            throw new IllegalArgumentException("strata.log.cleaner.io-max-bytes-per-second must be positive, got "
                    + cleaner.ioMaxBytesPerSecond());
        }
        if (log.zeroFillAhead().toBytes() < 0) {
            throw new IllegalArgumentException("strata.log.zero-fill-ahead must not be negative, got "
                    + log.zeroFillAhead());
        }
        return new LogManagerConfig(positiveMillis("strata.log.retention-check-interval", log.retentionCheckInterval()),
                cleaner.enabled(), cleaner.threads(), dedupe,
                intBytes("strata.log.cleaner.io-buffer-size", cleaner.ioBufferSize()), ioMax,
                nonNegativeMillis("strata.log.cleaner.backoff", cleaner.backoff()), log.zeroFillAhead().toBytes());
    }

    static ReplicationConfig replicationConfig(StrataProperties.Replication replication) {
        if (replication.numReplicaFetchers() != 1) {
            throw new IllegalArgumentException("strata.replication.num-replica-fetchers must be 1 (Strata runs one "
                    + "fetcher thread per source broker), got " + replication.numReplicaFetchers());
        }
        int fetchWaitMs = intMillis("strata.replication.replica-fetch-wait-max", replication.replicaFetchWaitMax(), 0);
        int socketTimeoutMs = intMillis("strata.replication.replica-socket-timeout",
                replication.replicaSocketTimeout(), 1);
        if (socketTimeoutMs < fetchWaitMs) {
            throw new IllegalArgumentException("strata.replication.replica-socket-timeout ("
                    + replication.replicaSocketTimeout() + ") must be at least strata.replication.replica-fetch-wait-max ("
                    + replication.replicaFetchWaitMax() + "), or every fetch that waits would time out");
        }
        return new ReplicationConfig(
                positiveMillis("strata.replication.replica-lag-time-max", replication.replicaLagTimeMax()),
                fetchWaitMs,
                intBytes("strata.replication.replica-fetch-min-bytes", replication.replicaFetchMinBytes()),
                intBytes("strata.replication.replica-fetch-max-bytes", replication.replicaFetchMaxBytes()),
                intBytes("strata.replication.replica-fetch-response-max-bytes",
                        replication.replicaFetchResponseMaxBytes()),
                intMillis("strata.replication.replica-fetch-backoff", replication.replicaFetchBackoff(), 0),
                socketTimeoutMs, replication.numReplicaFetchers());
    }

    private static int intMillis(String name, java.time.Duration value, long min) {
        long ms = value.toMillis();
        if (ms < min || ms > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between " + min + "ms and " + Integer.MAX_VALUE
                    + "ms, got " + value);
        }
        return (int) ms;
    }

    private static int intBytes(String name, DataSize value) {
        long bytes = value.toBytes();
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between 1B and " + Integer.MAX_VALUE + "B, got "
                    + value);
        }
        return (int) bytes;
    }

    private static long positiveMillis(String name, java.time.Duration value) {
        if (value.toMillis() <= 0) {
            throw new IllegalArgumentException(name + " must be at least 1ms, got " + value);
        }
        return value.toMillis();
    }

    private static long nonNegativeMillis(String name, java.time.Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value.toMillis();
    }

    static GroupConfig groupConfig(StrataProperties.Groups groups) {
        try {
            return new GroupConfig(groups.offsetsTopicPartitions(), (short) groups.offsetsTopicReplicationFactor(),
                    GroupConfig.defaults().offsetsTopicSegmentBytes(),
                    Math.toIntExact(groups.initialRebalanceDelay().toMillis()),
                    Math.toIntExact(groups.minSessionTimeout().toMillis()),
                    Math.toIntExact(groups.maxSessionTimeout().toMillis()), groups.maxSize(),
                    groups.offsetMetadataMaxBytes(), Math.max(1, groups.offsetsRetention().toMinutes()),
                    groups.offsetsRetentionCheckInterval().toMillis(), groups.coordinatorThreads());
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid strata.groups: " + e.getMessage(), e);
        }
    }

    /** Clients cannot connect to a wildcard address, so binding to one advertises localhost unless told otherwise. */
    static String advertisedHost(StrataProperties.Kafka kafka) {
        if (kafka.advertisedHost() != null && !kafka.advertisedHost().isBlank()) {
            return kafka.advertisedHost().trim();
        }
        return isWildcard(kafka.host()) ? "localhost" : kafka.host();
    }

    private static boolean isWildcard(String host) {
        try {
            return InetAddress.getByName(host).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
