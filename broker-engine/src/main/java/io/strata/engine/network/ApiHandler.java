package io.strata.engine.network;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

import java.util.concurrent.CompletableFuture;

/**
 * Serves one Kafka API. One implementation per API key.
 *
 * <p>{@link #handle} runs on a request-handler thread (never a Netty event loop), one request per
 * connection at a time, so a handler may do file I/O and fsync. It returns the response body; the
 * network layer adds the header and serializes it at the request's version. A future completed with
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
}
