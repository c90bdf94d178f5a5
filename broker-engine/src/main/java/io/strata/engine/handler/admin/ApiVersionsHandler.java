package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

import io.strata.engine.network.ApiRegistry;
import io.strata.engine.network.RequestContext;

/**
 * ApiVersions v0-4: lists every registered handler with its version range. Not v5 (KIP-1242): a v5
 * request carries the cluster and node id the client means to reach, and the broker must answer
 * REBOOTSTRAP_REQUIRED when they are not its own; this handler does not check them. Clients asking for
 * v5 get the UNSUPPORTED_VERSION answer listing v0-4 and retry with v4.
 */
public final class ApiVersionsHandler extends TypedApiHandler<ApiVersionsRequest> {
    private final ApiRegistry registry;

    public ApiVersionsHandler(ApiRegistry registry) {
        super(ApiKeys.API_VERSIONS, ApiVersionsRequest.class, 0, 4);
        this.registry = registry;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, ApiVersionsRequest request) {
        return CompletableFuture.completedFuture(registry.apiVersionsResponse(Errors.NONE));
    }

}
