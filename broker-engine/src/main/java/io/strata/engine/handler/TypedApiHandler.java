package io.strata.engine.handler;

import io.strata.engine.network.ApiHandler;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

import java.util.concurrent.CompletableFuture;

/**
 * Base for handlers: advertises every version the 4.3.1 message classes know for the API (the oldest
 * Kafka 4 still accepts up to the latest stable one) and casts the request to its concrete type.
 */
public abstract class TypedApiHandler<R extends AbstractRequest> implements ApiHandler {
    private final ApiKeys apiKey;
    private final Class<R> requestType;

    protected TypedApiHandler(ApiKeys apiKey, Class<R> requestType) {
        this.apiKey = apiKey;
        this.requestType = requestType;
    }

    @Override
    public final ApiKeys apiKey() {
        return apiKey;
    }

    @Override
    public short minVersion() {
        return apiKey.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return apiKey.latestVersion();
    }

    @Override
    public final CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        return handleRequest(context, requestType.cast(request));
    }

    protected abstract CompletableFuture<ApiMessage> handleRequest(RequestContext context, R request);
}
