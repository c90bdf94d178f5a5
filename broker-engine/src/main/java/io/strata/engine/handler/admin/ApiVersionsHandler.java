package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.FinalizedFeatures;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.SupportedFeatures;
import io.strata.engine.network.ApiRegistry;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

import java.util.concurrent.CompletableFuture;

/**
 * ApiVersions v0-4: lists every registered handler with its version range and, from v3, the features this
 * broker supports ({@link SupportedFeatures}) and the cluster's finalized features with their epoch, as of
 * this broker's last metadata poll. Not v5 (KIP-1242): a v5 request carries the cluster and node id the
 * client means to reach, and the broker must answer REBOOTSTRAP_REQUIRED when they are not its own; this
 * handler does not check them. Clients asking for v5 get the UNSUPPORTED_VERSION answer listing v0-4 and
 * retry with v4.
 */
public final class ApiVersionsHandler extends TypedApiHandler<ApiVersionsRequest> {
    private final ApiRegistry registry;
    private final MetadataCache metadata;

    public ApiVersionsHandler(ApiRegistry registry, MetadataCache metadata) {
        super(ApiKeys.API_VERSIONS, ApiVersionsRequest.class, 0, 4);
        this.registry = registry;
        this.metadata = metadata;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, ApiVersionsRequest request) {
        ApiVersionsResponseData response = registry.apiVersionsResponse(Errors.NONE);
        if (context.apiVersion() >= 3) {
            SupportedFeatures.all().forEach((name, range) -> response.supportedFeatures().add(
                    new ApiVersionsResponseData.SupportedFeatureKey().setName(name)
                            .setMinVersion(range.min()).setMaxVersion(range.max())));
            FinalizedFeatures finalized = metadata.finalizedFeatures();
            finalized.levels().forEach((name, level) -> response.finalizedFeatures().add(
                    new ApiVersionsResponseData.FinalizedFeatureKey().setName(name)
                            .setMinVersionLevel(level).setMaxVersionLevel(level)));
            response.setFinalizedFeaturesEpoch(finalized.epoch());
        }
        return CompletableFuture.completedFuture(response);
    }
}
