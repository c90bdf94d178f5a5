package io.strata.engine.network;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;

import java.net.InetSocketAddress;

/** Who sent a request and with which header; handed to every {@link ApiHandler}. */
public record RequestContext(RequestHeader header, InetSocketAddress clientAddress, String connectionId,
                             long receivedNanos) {

    public ApiKeys apiKey() {
        return header.apiKey();
    }

    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }
}
