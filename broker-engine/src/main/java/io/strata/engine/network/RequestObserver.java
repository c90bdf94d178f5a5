package io.strata.engine.network;

import org.apache.kafka.common.protocol.ApiKeys;

/** Told about every answered request (metrics). Called on a request-handler thread. */
@FunctionalInterface
public interface RequestObserver {
    void onRequestCompleted(ApiKeys apiKey, long latencyNanos, boolean error);
}
