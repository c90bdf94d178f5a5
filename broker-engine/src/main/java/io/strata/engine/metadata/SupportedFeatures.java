package io.strata.engine.metadata;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The feature levels this broker software serves (KIP-584), what ApiVersions advertises as supported, and the
 * levels a new cluster is finalized at. A level is listed only once everything it implies is served.
 *
 * <p>{@code transaction.version}: level 1 is the original transaction protocol (KIP-98, what kafka-clients
 * speaks while the finalized level is below 2). Level 2 (KIP-890 part 2: the epoch bump on every commit and abort,
 * EndTxn v5, TxnOffsetCommit v5's implicit add of the offsets partition, and the leaders' implicit add of data
 * partitions) is supported and can be finalized with UpdateFeatures; a new cluster still finalizes 1 until the
 * leaders' implicit add is served.
 */
public final class SupportedFeatures {
    public static final String TRANSACTION_VERSION = "transaction.version";

    /** An inclusive range of levels. */
    public record Range(short min, short max) {
        public boolean contains(short level) {
            return level >= min && level <= max;
        }
    }

    private static final Map<String, Range> SUPPORTED;
    private static final Map<String, Short> BOOTSTRAP;

    static {
        Map<String, Range> supported = new LinkedHashMap<>();
        supported.put(TRANSACTION_VERSION, new Range((short) 0, (short) 2));
        SUPPORTED = Map.copyOf(supported);
        // Kafka 4.x's default for a new cluster: KIP-890's protocol (an epoch bump per transaction, implicit adds);
        // clients that speak only the older protocol keep using it, per request.
        BOOTSTRAP = Map.of(TRANSACTION_VERSION, (short) 2);
    }

    private SupportedFeatures() {
    }

    /** Supported range by feature name. */
    public static Map<String, Range> all() {
        return SUPPORTED;
    }

    public static Optional<Range> range(String feature) {
        return Optional.ofNullable(SUPPORTED.get(feature));
    }

    /** The levels a cluster that never finalized a feature starts with. */
    public static Map<String, Short> bootstrapLevels() {
        return BOOTSTRAP;
    }
}
