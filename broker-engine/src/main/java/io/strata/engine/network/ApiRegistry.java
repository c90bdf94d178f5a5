package io.strata.engine.network;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.protocol.ApiKeys;

/** The handlers this broker serves, by API key. Filled before the server starts, read-only after. */
public final class ApiRegistry {
    private final Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);

    public ApiRegistry register(ApiHandler handler) {
        if (handlers.putIfAbsent(handler.apiKey(), handler) != null) {
            throw new IllegalStateException("Duplicate handler for " + handler.apiKey());
        }
        return this;
    }

    /** The handler for the key, or null when this broker does not serve it. */
    public ApiHandler handler(ApiKeys apiKey) {
        return handlers.get(apiKey);
    }

    /** Every served API, for ApiVersions. */
    public Collection<ApiHandler> advertised() {
        return List.copyOf(handlers.values());
    }

    /**
     * The ApiVersions answer: every advertised handler with its version range. Also sent, at v0 so any client
     * can read it, for an ApiVersions version this broker does not serve.
     */
    public ApiVersionsResponseData apiVersionsResponse(Errors error) {
        ApiVersionsResponseData data = new ApiVersionsResponseData().setErrorCode(error.code());
        for (ApiHandler h : advertised()) {
            data.apiKeys().add(new ApiVersionsResponseData.ApiVersion()
                    .setApiKey(h.apiKey().id).setMinVersion(h.minVersion()).setMaxVersion(h.maxVersion()));
        }
        return data;
    }
}
