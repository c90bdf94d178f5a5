package io.strata.engine.config;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;

import java.util.Map;

import static io.strata.engine.config.TopicConfigs.*;

/**
 * The effective configuration of one partition log, resolved from topic overrides, broker-wide defaults
 * and the catalogue defaults of {@link TopicConfigs}. Immutable; a config change swaps the whole value.
 */
public record LogConfig(int segmentBytes, long segmentMs, int maxMessageBytes, int indexIntervalBytes,
                        int segmentIndexBytes, long flushMessages, long flushMs, TimestampType timestampType,
                        long timestampBeforeMaxMs, long timestampAfterMaxMs, long retentionMs, long retentionBytes,
                        String cleanupPolicy, long segmentJitterMs, boolean preallocate, long fileDeleteDelayMs,
                        String compressionType, long deleteRetentionMs, long minCompactionLagMs,
                        long maxCompactionLagMs, double minCleanableDirtyRatio, int minInsyncReplicas,
                        boolean uncleanLeaderElectionEnable, int maxDecompressedMessageBytes,
                        int compressionGzipLevel, int compressionLz4Level, int compressionZstdLevel) {

    /**
     * brokerDefaults and topicOverrides are keyed by topic config name; overrides win, then broker
     * defaults, then catalogue defaults. Throws InvalidConfigurationException for a bad value.
     */
    public static LogConfig from(Map<String, String> brokerDefaults, Map<String, String> topicOverrides) {
        Resolver r = new Resolver(brokerDefaults, topicOverrides);
        return new LogConfig(
                r.intValue(SEGMENT_BYTES),
                r.longValue(SEGMENT_MS),
                r.intValue(MAX_MESSAGE_BYTES),
                r.intValue(INDEX_INTERVAL_BYTES),
                r.intValue(SEGMENT_INDEX_BYTES),
                r.longValue(FLUSH_MESSAGES),
                r.longValue(FLUSH_MS),
                "LogAppendTime".equals(r.string(MESSAGE_TIMESTAMP_TYPE).trim())
                        ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
                r.longValue(MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
                r.longValue(MESSAGE_TIMESTAMP_AFTER_MAX_MS),
                r.longValue(RETENTION_MS),
                r.longValue(RETENTION_BYTES),
                normalizeCleanupPolicy(r.string(CLEANUP_POLICY)),
                r.longValue(SEGMENT_JITTER_MS),
                parseBoolean(PREALLOCATE, r.string(PREALLOCATE)),
                r.longValue(FILE_DELETE_DELAY_MS),
                r.string(COMPRESSION_TYPE).trim(),
                r.longValue(DELETE_RETENTION_MS),
                r.longValue(MIN_COMPACTION_LAG_MS),
                r.longValue(MAX_COMPACTION_LAG_MS),
                parseDouble(MIN_CLEANABLE_DIRTY_RATIO, r.string(MIN_CLEANABLE_DIRTY_RATIO)),
                r.intValue(MIN_INSYNC_REPLICAS),
                parseBoolean(UNCLEAN_LEADER_ELECTION_ENABLE, r.string(UNCLEAN_LEADER_ELECTION_ENABLE)),
                r.intValue(MAX_DECOMPRESSED_MESSAGE_BYTES),
                r.intValue(COMPRESSION_GZIP_LEVEL),
                r.intValue(COMPRESSION_LZ4_LEVEL),
                r.intValue(COMPRESSION_ZSTD_LEVEL));
    }

    /** Catalogue defaults only. */
    public static LogConfig defaults() {
        return from(Map.of(), Map.of());
    }

    /** Catalogue defaults with the given topic overrides. */
    public static LogConfig of(Map<String, String> topicOverrides) {
        return from(Map.of(), topicOverrides);
    }

    /** True when every appended batch is fsynced before it counts as committed. */
    public boolean fsyncEachAppend() {
        return flushMessages <= 1;
    }

    /**
     * The codec batches must be stored in, with the topic's level for it; null for {@code producer}, which
     * keeps each batch as sent.
     */
    public Compression storedCompression() {
        return switch (compressionType) {
            case "producer" -> null;
            case "uncompressed" -> Compression.NONE;
            case "gzip" -> Compression.gzip().level(compressionGzipLevel).build();
            case "snappy" -> Compression.snappy().build();
            case "lz4" -> Compression.lz4().level(compressionLz4Level).build();
            case "zstd" -> Compression.zstd().level(compressionZstdLevel).build();
            default -> throw new IllegalStateException("Unvalidated compression.type " + compressionType);
        };
    }

    public boolean compact() {
        return cleanupPolicy.contains("compact");
    }

    public boolean delete() {
        return cleanupPolicy.contains("delete");
    }

    /** Looks a config up in overrides, then broker defaults, then the catalogue, validating what it finds. */
    private record Resolver(Map<String, String> brokerDefaults, Map<String, String> overrides) {
        String string(String name) {
            String value = overrides.get(name);
            if (value == null) {
                value = brokerDefaults.get(name);
            }
            if (value == null) {
                return TopicConfigs.definition(name).orElseThrow().defaultValue();
            }
            TopicConfigs.validate(name, value);
            return value;
        }

        int intValue(String name) {
            return parseInt(name, string(name));
        }

        long longValue(String name) {
            return parseLong(name, string(name));
        }
    }
}
