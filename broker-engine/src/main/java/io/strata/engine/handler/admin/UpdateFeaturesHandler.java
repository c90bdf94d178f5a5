package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.FinalizedFeatures;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.SupportedFeatures;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.common.message.UpdateFeaturesRequestData;
import org.apache.kafka.common.message.UpdateFeaturesResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.UpdateFeaturesRequest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * UpdateFeatures v0-2 (KIP-584, what {@code kafka-features.sh upgrade|downgrade} and
 * {@code Admin.updateFeatures} send): sets finalized feature levels in the metadata store, from where every
 * broker's metadata poll picks them up for ApiVersions. All or nothing, as Kafka's controller does: the first
 * invalid update fails the request with INVALID_UPDATE_VERSION and nothing is changed. A level must be within
 * this broker's supported range ({@link SupportedFeatures}; every broker of a cluster runs the same software, which
 * is not checked); lowering a level or removing a feature (level 0) needs a downgrade type. v0's
 * {@code allowDowngrade} counts as a safe downgrade; unsafe downgrades are served like safe ones (no feature here
 * has a lossy downgrade). {@code validateOnly} (v1+) checks without writing. The store write runs on the
 * request thread, as topic creation's does.
 */
public final class UpdateFeaturesHandler extends TypedApiHandler<UpdateFeaturesRequest> {
    private final MetadataStore store;

    public UpdateFeaturesHandler(MetadataStore store) {
        super(ApiKeys.UPDATE_FEATURES, UpdateFeaturesRequest.class, 0, 2);
        this.store = store;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, UpdateFeaturesRequest request) {
        return CompletableFuture.completedFuture(update(context.apiVersion(), request.data()));
    }

    private ApiMessage update(short version, UpdateFeaturesRequestData data) {
        FinalizedFeatures current = store.finalizedFeatures();
        Map<String, Short> levels = new LinkedHashMap<>();
        for (UpdateFeaturesRequestData.FeatureUpdateKey update : data.featureUpdates()) {
            Optional<String> invalid = validate(version, update, current.level(update.feature()));
            if (invalid.isPresent()) {
                return response(version, data, Errors.INVALID_UPDATE_VERSION, invalid.get());
            }
            levels.put(update.feature(), (short) Math.max(0, update.maxVersionLevel()));
        }
        if (!data.validateOnly() && !levels.isEmpty()) {
            store.updateFeatures(levels);
        }
        return response(version, data, Errors.NONE, null);
    }

    private static Optional<String> validate(short version, UpdateFeaturesRequestData.FeatureUpdateKey update,
                                             short currentLevel) {
        String name = update.feature();
        Optional<SupportedFeatures.Range> range = SupportedFeatures.range(name);
        if (range.isEmpty()) {
            return Optional.of("Feature " + name + " is not supported by this broker; it supports "
                    + SupportedFeatures.all().keySet());
        }
        FeatureUpdate.UpgradeType type;
        if (version == 0) {
            type = update.allowDowngrade() ? FeatureUpdate.UpgradeType.SAFE_DOWNGRADE : FeatureUpdate.UpgradeType.UPGRADE;
        } else {
            type = FeatureUpdate.UpgradeType.fromCode(update.upgradeType());
            if (type == FeatureUpdate.UpgradeType.UNKNOWN) {
                return Optional.of("Unknown upgrade type " + update.upgradeType() + " for feature " + name);
            }
        }
        short level = (short) Math.max(0, update.maxVersionLevel());
        if (level > 0 && !range.get().contains(level)) {
            return Optional.of("Level " + level + " of feature " + name + " is not supported: this broker supports "
                    + range.get().min() + " to " + range.get().max());
        }
        boolean downgrade = type != FeatureUpdate.UpgradeType.UPGRADE;
        if (level < currentLevel && !downgrade) {
            return Optional.of("Cannot lower feature " + name + " from level " + currentLevel + " to " + level
                    + " without a safe or unsafe downgrade type");
        }
        if (level > currentLevel && downgrade) {
            return Optional.of("Cannot downgrade feature " + name + " from level " + currentLevel
                    + " to a higher level " + level);
        }
        return Optional.empty();
    }

    private static UpdateFeaturesResponseData response(short version, UpdateFeaturesRequestData data, Errors error,
                                                       String message) {
        UpdateFeaturesResponseData response = new UpdateFeaturesResponseData()
                .setErrorCode(error.code()).setErrorMessage(message);
        if (version < 2) {
            for (UpdateFeaturesRequestData.FeatureUpdateKey update : data.featureUpdates()) {
                response.results().add(new UpdateFeaturesResponseData.UpdatableFeatureResult()
                        .setFeature(update.feature()).setErrorCode(error.code()).setErrorMessage(message));
            }
        }
        return response;
    }
}
