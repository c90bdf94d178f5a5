package io.strata.engine.network;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Told about every handled request (metrics), also when no response was expected or the connection closed
 * before it could be sent. Called on the connection's event loop.
 */
@FunctionalInterface
public interface RequestObserver {
    void onRequestCompleted(ApiKeys apiKey, long latencyNanos, boolean error);
}
