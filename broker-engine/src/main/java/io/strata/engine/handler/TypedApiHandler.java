package io.strata.engine.handler;

import io.strata.engine.network.ApiHandler;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

import java.util.concurrent.CompletableFuture;

/**
 * Base for handlers: advertises the version range the handler states and casts the request to its
 * concrete type. The range is explicit, not the kafka-clients one, so a library upgrade cannot advertise
 * versions nobody implemented; it must lie within what the message classes can parse.
 */
public abstract class TypedApiHandler<R extends AbstractRequest> implements ApiHandler {
    private final ApiKeys apiKey;
    private final Class<R> requestType;
    private final short minVersion;
    private final short maxVersion;

    protected TypedApiHandler(ApiKeys apiKey, Class<R> requestType, int minVersion, int maxVersion) {
        if (minVersion > maxVersion || minVersion < apiKey.oldestVersion() || maxVersion > apiKey.latestVersion()) {
            throw new IllegalArgumentException(apiKey + " v" + minVersion + "-" + maxVersion
                    + " is outside what kafka-clients parses (v" + apiKey.oldestVersion() + "-"
                    + apiKey.latestVersion() + ")");
        }
        this.apiKey = apiKey;
        this.requestType = requestType;
        this.minVersion = (short) minVersion;
        this.maxVersion = (short) maxVersion;
    }

    @Override
    public final ApiKeys apiKey() {
        return apiKey;
    }

    @Override
    public final short minVersion() {
        return minVersion;
    }

    @Override
    public final short maxVersion() {
        return maxVersion;
    }

    @Override
    public final CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        return handleRequest(context, requestType.cast(request));
    }

    protected abstract CompletableFuture<ApiMessage> handleRequest(RequestContext context, R request);
}
