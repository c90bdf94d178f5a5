package io.strata.engine.config;

import java.nio.file.Path;
import java.util.Map;

import io.strata.engine.config.GroupConfig;

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
 */
public record BrokerConfig(int brokerId, String listenerHost, int listenerPort, String advertisedHost,
                           int advertisedPort, String rack, Path dataDir, int socketRequestMaxBytes,
                           int numIoThreads, int numNetworkThreads, int defaultNumPartitions,
                           short defaultReplicationFactor, boolean autoCreateTopics,
                           Map<String, String> logDefaults, GroupConfig groups) {

    public static final int DEFAULT_SOCKET_REQUEST_MAX_BYTES = 100 * 1024 * 1024;

    public BrokerConfig {
        logDefaults = Map.copyOf(logDefaults);
    }

    /** Single-node defaults on the given data dir, listening on the given port on localhost. */
    public static BrokerConfig defaults(Path dataDir, int port) {
        return new BrokerConfig(0, "127.0.0.1", port, "127.0.0.1", 0, null, dataDir,
                DEFAULT_SOCKET_REQUEST_MAX_BYTES, 8, 2, 1, (short) 1, true, Map.of(), GroupConfig.defaults());
    }

    public BrokerConfig withLogDefaults(Map<String, String> defaults) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, defaults, groups);
    }

    public BrokerConfig withSocketRequestMaxBytes(int max) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                max, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groups);
    }

    public BrokerConfig withGroups(GroupConfig groupConfig) {
        return new BrokerConfig(brokerId, listenerHost, listenerPort, advertisedHost, advertisedPort, rack, dataDir,
                socketRequestMaxBytes, numIoThreads, numNetworkThreads, defaultNumPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, groupConfig);
    }
}
