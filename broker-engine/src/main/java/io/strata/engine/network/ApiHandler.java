package io.strata.engine.network;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

import java.util.concurrent.CompletableFuture;

/**
 * Serves one Kafka API. One implementation per API key.
 *
 * <p>{@link #handle} runs on a request-handler thread, one request per connection at a time, so a handler may do
 * file I/O and fsync; unless {@link #runsOnEventLoop} says a request is cheap enough to be handled on the
 * connection's Netty event loop, saving the hand-off to a request thread (and back). It returns the response
 * body; the network layer adds the header and serializes it at the request's version. A future completed with
 * {@code null} means "send no response" (produce with acks=0). A future completed exceptionally is
 * turned into the request's own error response ({@link AbstractRequest#getErrorResponse}).
 */
public interface ApiHandler {

    ApiKeys apiKey();

    /** Lowest version advertised in ApiVersions. */
    short minVersion();

    /** Highest version advertised in ApiVersions. */
    short maxVersion();

    CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request);

    /**
     * Whether a request of {@code requestBytes} (its frame) may be handled on the event loop: only a handler that
     * never blocks there (no fsync, no waiting, no unbounded CPU) says yes. The event loop serves other
     * connections meanwhile.
     */
    default boolean runsOnEventLoop(int requestBytes) {
        return false;
    }
}
