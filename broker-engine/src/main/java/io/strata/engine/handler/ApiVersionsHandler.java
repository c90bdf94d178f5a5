package io.strata.engine.handler;

import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

import io.strata.engine.network.ApiHandler;
import io.strata.engine.network.ApiRegistry;
import io.strata.engine.network.RequestContext;

/** ApiVersions: lists every registered handler with its version range. */
public final class ApiVersionsHandler extends TypedApiHandler<ApiVersionsRequest> {
    private final ApiRegistry registry;

    public ApiVersionsHandler(ApiRegistry registry) {
        super(ApiKeys.API_VERSIONS, ApiVersionsRequest.class);
        this.registry = registry;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, ApiVersionsRequest request) {
        return CompletableFuture.completedFuture(response(registry, Errors.NONE));
    }

    /** Also used for an unsupported ApiVersions version, answered at v0 so any client can read it. */
    public static ApiVersionsResponseData response(ApiRegistry registry, Errors error) {
        ApiVersionsResponseData data = new ApiVersionsResponseData().setErrorCode(error.code());
        for (ApiHandler h : registry.advertised()) {
            data.apiKeys().add(new ApiVersionsResponseData.ApiVersion()
                    .setApiKey(h.apiKey().id).setMinVersion(h.minVersion()).setMaxVersion(h.maxVersion()));
        }
        return data;
    }
}
