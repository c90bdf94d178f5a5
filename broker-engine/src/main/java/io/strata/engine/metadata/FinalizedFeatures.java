package io.strata.engine.metadata;

import java.util.Map;

/**
 * The cluster's finalized feature levels (KIP-584), as ApiVersions reports them.
 *
 * @param epoch  the metadata version of the last feature change, or -1 while no feature was ever finalized;
 *               clients re-read the features only when it grows
 * @param levels finalized level by feature name; a feature finalized at level 0 is absent
 */
public record FinalizedFeatures(long epoch, Map<String, Short> levels) {
    public static final FinalizedFeatures NONE = new FinalizedFeatures(-1, Map.of());

    public FinalizedFeatures {
        levels = Map.copyOf(levels);
    }

    /** The finalized level of {@code feature}, 0 when it is not finalized. */
    public short level(String feature) {
        return levels.getOrDefault(feature, (short) 0);
    }
}
