package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.FinalizedFeatures;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.SupportedFeatures;
import io.strata.engine.network.ApiRegistry;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

import java.util.concurrent.CompletableFuture;

/**
 * ApiVersions v0-5: lists every registered handler with its version range and, from v3, the features this
 * broker supports ({@link SupportedFeatures}) and the cluster's finalized features with their epoch, as of
 * this broker's last metadata poll. From v5 (KIP-1242) a client names the cluster and node it means to reach
 * (once it knows them from metadata); when either is not this broker's, the answer is REBOOTSTRAP_REQUIRED
 * alone, so a client whose address now leads to another cluster or broker re-bootstraps (with
 * metadata.recovery.strategy=rebootstrap) or disconnects instead of using it. Serving v5 also saves 4.x
 * clients the UNSUPPORTED_VERSION round trip they made on every new connection.
 */
public final class ApiVersionsHandler extends TypedApiHandler<ApiVersionsRequest> {
    private final ApiRegistry registry;
    private final MetadataCache metadata;
    private final String clusterId;
    private final int brokerId;

    public ApiVersionsHandler(ApiRegistry registry, MetadataCache metadata, String clusterId, int brokerId) {
        super(ApiKeys.API_VERSIONS, ApiVersionsRequest.class, 0, 5);
        this.registry = registry;
        this.metadata = metadata;
        this.clusterId = clusterId;
        this.brokerId = brokerId;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, ApiVersionsRequest request) {
        if (isMeantForAnotherNode(request.data())) {
            return CompletableFuture.completedFuture(
                    new ApiVersionsResponseData().setErrorCode(Errors.REBOOTSTRAP_REQUIRED.code()));
        }
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

    /** Fields before v5 read as their defaults (null, -1): nothing to check. */
    private boolean isMeantForAnotherNode(ApiVersionsRequestData request) {
        return request.clusterId() != null && !request.clusterId().equals(clusterId)
                || request.nodeId() >= 0 && request.nodeId() != brokerId;
    }
}
