package io.strata.engine.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Engine configuration, built by platform-app from its properties.
 *
 * @param listenerHost          address the Kafka listener binds to
 * @param listenerPort          port to bind; 0 picks a free one (see Broker.boundPort())
 * @param advertisedHost        host clients are told to connect to
 * @param advertisedPort        port clients are told to connect to; 0 means "the bound port"
 * @param socketRequestMaxBytes frames larger than this close the connection
 * @param numIoThreads          request handler threads
 * @param numNetworkThreads     Netty event loop threads
 * @param logDefaults           broker-wide defaults for topic configs, keyed by topic config name
 *                              (e.g. {@code segment.bytes}); unset keys take Strata's defaults
 * @param groups                group coordinator settings
 * @param heartbeatIntervalMs   how often the broker renews its lease in the metadata store
 *                              ({@code broker.heartbeat.interval.ms})
 * @param metadataPollIntervalMs how often the broker reads the metadata changed since the version it holds
 * @param replication           follower fetching and ISR membership
 * @param controlledShutdownTimeoutMs how long a graceful close waits, after announcing a controlled shutdown, for
 *                              the controller to move this broker's leaderships and ISR places to other live
 *                              replicas before it stops anyway ({@code strata.broker.controlled-shutdown-timeout});
 *                              0 skips the controlled shutdown
 * @param logManager            retention and log cleaner settings
 * @param transactions          transaction coordinator settings ({@code __transaction_state}, timeouts, expiry)
 */
public record BrokerConfig(int brokerId, String listenerHost, int listenerPort, String advertisedHost,
                           int advertisedPort, String rack, Path dataDir, int socketRequestMaxBytes,
                           int numIoThreads, int numNetworkThreads, int defaultNumPartitions,
                           short defaultReplicationFactor, boolean autoCreateTopics,
                           Map<String, String> logDefaults, GroupConfig groups, long heartbeatIntervalMs,
                           long metadataPollIntervalMs, ReplicationConfig replication,
                           long controlledShutdownTimeoutMs, LogManagerConfig logManager,
                           TransactionConfig transactions) {

    public static final int DEFAULT_SOCKET_REQUEST_MAX_BYTES = 100 * 1024 * 1024;
    /** Kafka's {@code broker.heartbeat.interval.ms} default. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 2_000;
    public static final long DEFAULT_METADATA_POLL_INTERVAL_MS = 500;
    public static final long DEFAULT_CONTROLLED_SHUTDOWN_TIMEOUT_MS = 30_000;

    public BrokerConfig {
        logDefaults = Map.copyOf(logDefaults);
        if (heartbeatIntervalMs <= 0 || metadataPollIntervalMs <= 0) {
            throw new IllegalArgumentException("Heartbeat and metadata poll intervals must be positive, got "
                    + heartbeatIntervalMs + " and " + metadataPollIntervalMs + " ms");
        }
        java.util.Objects.requireNonNull(logManager, "logManager");
        java.util.Objects.requireNonNull(transactions, "transactions");
        if (controlledShutdownTimeoutMs < 0) {
            throw new IllegalArgumentException("The controlled shutdown timeout must not be negative, got "
                    + controlledShutdownTimeoutMs + " ms");
        }
    }

    /** With the default heartbeat and metadata poll intervals. */
    public BrokerConfig(int brokerId, String listenerHost, int listenerPort, String advertisedHost,
                        int advertisedPort, String rack, Path dataDir, int socketRequestMaxBytes,
                        int numIoThreads, int numNetworkThreads, int defaultNumPartitions,
                        short defaultReplicationFactor, boolean autoCreateTopics,
                        Map<String, String> logDefaults, GroupConfig groups) {
        this(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groups, DEFAULT_HEARTBEAT_INTERVAL_MS,
                DEFAULT_METADATA_POLL_INTERVAL_MS, ReplicationConfig.defaults(), DEFAULT_CONTROLLED_SHUTDOWN_TIMEOUT_MS,
                LogManagerConfig.defaults(), TransactionConfig.defaults());
    }

    /**
     * Kafka's defaults on the given data dir, listening on the given port on localhost. Like Kafka, topics default
     * to replication factor 1 but {@code __consumer_offsets} to 3, so a single broker serves consumer groups only
     * with {@code withGroups(...withOffsetsTopicReplicationFactor((short) 1))}; likewise {@code __transaction_state}
     * ({@code withTransactions(...withStateLogReplicationFactor((short) 1))}).
     */
    public static BrokerConfig defaults(Path dataDir, int port) {
        return new BrokerConfig(0, "127.0.0.1", port, "127.0.0.1", 0, null, dataDir,
                DEFAULT_SOCKET_REQUEST_MAX_BYTES, 8, 2, 1, (short) 1, true, Map.of(), GroupConfig.defaults());
    }

    public BrokerConfig withLogDefaults(Map<String, String> defaults) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, defaults, groups, heartbeatIntervalMs,
                metadataPollIntervalMs, replication, controlledShutdownTimeoutMs, logManager, transactions);
    }

    public BrokerConfig withSocketRequestMaxBytes(int max) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                max, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groups, heartbeatIntervalMs,
                metadataPollIntervalMs, replication, controlledShutdownTimeoutMs, logManager, transactions);
    }

    public BrokerConfig withGroups(GroupConfig groupConfig) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groupConfig, heartbeatIntervalMs,
                metadataPollIntervalMs, replication, controlledShutdownTimeoutMs, logManager, transactions);
    }

    public BrokerConfig withIntervals(long heartbeatMs, long metadataPollMs) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groups, heartbeatMs, metadataPollMs,
                replication, controlledShutdownTimeoutMs, logManager, transactions);
    }

    public BrokerConfig withBrokerId(int id) {
        return new BrokerConfig(id, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groups, heartbeatIntervalMs,
                metadataPollIntervalMs, replication, controlledShutdownTimeoutMs, logManager, transactions);
    }

    public BrokerConfig withReplication(ReplicationConfig replicationConfig) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groups, heartbeatIntervalMs,
                metadataPollIntervalMs, replicationConfig, controlledShutdownTimeoutMs, logManager, transactions);
    }

    public BrokerConfig withControlledShutdownTimeoutMs(long timeoutMs) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groups, heartbeatIntervalMs,
                metadataPollIntervalMs, replication, timeoutMs, logManager, transactions);
    }

    public BrokerConfig withLogManager(LogManagerConfig logManagerConfig) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groups, heartbeatIntervalMs,
                metadataPollIntervalMs, replication, controlledShutdownTimeoutMs, logManagerConfig, transactions);
    }

    public BrokerConfig withTransactions(TransactionConfig transactionConfig) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groups, heartbeatIntervalMs,
                metadataPollIntervalMs, replication, controlledShutdownTimeoutMs, logManager, transactionConfig);
    }
}
