package io.strata.engine.network;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;

import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * Who sent a request and with which header; handed to every {@link ApiHandler}.
 *
 * @param afterRead runs a task once the network layer has handled every request of the current read from the
 *                  socket (at the end of the event-loop pass, when the handler runs there; at once otherwise), so
 *                  work several pipelined requests need, such as one fsync, can be started once for all of them
 * @param eventLoop the connection's event loop, which writes the response: a parked request woken later whose
 *                  completion neither blocks nor reads uncached data (a caught-up fetch) can complete there, one
 *                  thread hand-off instead of two
 */
public record RequestContext(RequestHeader header, InetSocketAddress clientAddress, String connectionId,
                             long receivedNanos, Executor afterRead, Executor eventLoop) {

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
