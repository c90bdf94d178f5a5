package io.strata.engine.config;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The catalogue of topic-level configs Strata supports, under their Kafka names, with defaults, the
 * broker-wide setting each falls back to (its "synonym") and validation.
 *
 * <p>Defaults follow Kafka 4.x except {@code flush.messages}: Strata fsyncs every appended batch before
 * it counts as committed ({@code flush.messages=1}); topics relax that by raising it (fsync every N
 * messages, or after {@code flush.ms}).
 *
 * <p>{@code compression.type} is enforced: {@code producer} stores batches as sent; a codec name (or
 * {@code uncompressed}) rewrites batches that arrive in another codec, at the topic's
 * {@code compression.<codec>.level}.
 *
 * <p>Each config's broker synonym ({@code log.retention.ms} for {@code retention.ms}, ...) is the broker-wide
 * default and is exactly the set of dynamic broker configs: settable per broker and cluster-wide (broker resource
 * "") with AlterConfigs/IncrementalAlterConfigs, validated by the same checks ({@link #validateBrokerSynonym}).
 *
 * <p>A config Strata accepts but does not act on is marked {@link Definition#enforced()} false, and DescribeConfigs'
 * documentation says so; none is today (retention and the log cleaner enforce the retention and compaction configs).
 *
 * <p>{@code segment.bytes} accepts values down to 1024 bytes (Kafka's floor is 1 MiB) so tests can roll
 * segments cheaply; {@code segment.index.bytes} must hold at least one time index entry (12 bytes).
 */
public final class TopicConfigs {

    /**
     * One topic config: its Kafka name, type, default, the broker-wide setting it inherits (its broker synonym,
     * which is also a dynamic broker config) and a short doc.
     *
     * @param enforced false for a config Strata accepts and stores but does not act on yet (DescribeConfigs says
     *                 so in its documentation)
     */
    public record Definition(String name, Type type, String defaultValue, String brokerSynonym, String documentation,
                             boolean enforced) {
        /** The documentation DescribeConfigs reports, saying when the config is not enforced. */
        public String describedDocumentation() {
            return enforced ? documentation : documentation + " " + NOT_ENFORCED_NOTE;
        }
    }

    /** Appended to the documentation of a config that is accepted but not enforced. */
    public static final String NOT_ENFORCED_NOTE = "(Accepted and stored, but not enforced by Strata yet.)";

    /** Mirrors the config types DescribeConfigs reports. */
    public enum Type { BOOLEAN, INT, LONG, DOUBLE, STRING, LIST, CLASS, PASSWORD }

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    /** Defined here before Kafka 4.4 named it; now Kafka's constant, so the two cannot drift. */
    public static final String MAX_DECOMPRESSED_MESSAGE_BYTES = TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES_CONFIG;
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String PREALLOCATE = "preallocate";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    public static final int MIN_SEGMENT_BYTES = 1024;
    public static final int MIN_SEGMENT_INDEX_BYTES = 12;

    private static final String MAX_LONG = String.valueOf(Long.MAX_VALUE);
    private static final Set<String> COMPRESSION_TYPES = Set.of("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd");
    private static final Set<String> TIMESTAMP_TYPES = Set.of("CreateTime", "LogAppendTime");

    private record Entry(Definition definition, Consumer<String> check) {
    }

    private static final Map<String, Entry> CATALOGUE = new LinkedHashMap<>();
    /** Topic config entries by broker synonym. */
    private static final Map<String, Entry> BY_BROKER_SYNONYM = new LinkedHashMap<>();

    static {
        add(CLEANUP_POLICY, Type.LIST, "delete", "log.cleanup.policy",
                "Retention policy for old segments: delete, compact, both (compact,delete), or empty to keep everything.",
                TopicConfigs::checkCleanupPolicy);
        add(COMPRESSION_TYPE, Type.STRING, "producer", "compression.type",
                "Codec batches are stored in: producer keeps each batch as sent; uncompressed, gzip, snappy, lz4 "
                        + "or zstd rewrites batches sent in another codec.",
                v -> checkOneOf(COMPRESSION_TYPE, v, COMPRESSION_TYPES));
        add(COMPRESSION_GZIP_LEVEL, Type.INT, "-1", "compression.gzip.level",
                "gzip level (1-9, or -1 for zlib's default) when compression.type=gzip rewrites a batch.",
                v -> checkIntIn(COMPRESSION_GZIP_LEVEL, v, 1, 9, -1));
        add(COMPRESSION_LZ4_LEVEL, Type.INT, "9", "compression.lz4.level",
                "lz4 level (1-17) when compression.type=lz4 rewrites a batch.",
                v -> checkIntIn(COMPRESSION_LZ4_LEVEL, v, 1, 17, 9));
        add(COMPRESSION_ZSTD_LEVEL, Type.INT, "3", "compression.zstd.level",
                "zstd level (-131072 to 22) when compression.type=zstd rewrites a batch.",
                v -> checkIntIn(COMPRESSION_ZSTD_LEVEL, v, -131072, 22, 3));
        add(DELETE_RETENTION_MS, Type.LONG, "86400000", "log.cleaner.delete.retention.ms",
                "How long tombstones are kept on compacted topics.", v -> checkLong(DELETE_RETENTION_MS, v, 0));
        add(FILE_DELETE_DELAY_MS, Type.LONG, "60000", "log.segment.delete.delay.ms",
                "Wait before deleting files of a removed log, so in-flight reads finish.",
                v -> checkLong(FILE_DELETE_DELAY_MS, v, 0));
        add(FLUSH_MESSAGES, Type.LONG, "1", "log.flush.interval.messages",
                "Fsync after this many messages. Strata's default 1 fsyncs every batch before acknowledging it.",
                v -> checkLong(FLUSH_MESSAGES, v, 1));
        add(FLUSH_MS, Type.LONG, MAX_LONG, "log.flush.interval.ms",
                "Fsync when this long has passed since the last fsync.", v -> checkLong(FLUSH_MS, v, 0));
        add(INDEX_INTERVAL_BYTES, Type.INT, "4096", "log.index.interval.bytes",
                "Bytes of batches between two offset index entries.", v -> checkInt(INDEX_INTERVAL_BYTES, v, 0));
        add(MAX_COMPACTION_LAG_MS, Type.LONG, MAX_LONG, "log.cleaner.max.compaction.lag.ms",
                "Longest time a record stays ineligible for compaction.", v -> checkLong(MAX_COMPACTION_LAG_MS, v, 1));
        add(MAX_DECOMPRESSED_MESSAGE_BYTES, Type.INT, "2147483639", "max.decompressed.message.bytes",
                "Largest decompressed size of one record of a compressed batch; larger records are refused "
                        + "with INVALID_RECORD before they are decompressed.",
                v -> checkIntIn(MAX_DECOMPRESSED_MESSAGE_BYTES, v, 1, 2147483639, 1));
        add(MAX_MESSAGE_BYTES, Type.INT, "1048588", "message.max.bytes",
                "Largest record batch the topic accepts.", v -> checkInt(MAX_MESSAGE_BYTES, v, 0));
        add(MESSAGE_TIMESTAMP_TYPE, Type.STRING, "CreateTime", "log.message.timestamp.type",
                "CreateTime keeps producer timestamps; LogAppendTime stamps batches with the broker's clock.",
                v -> checkOneOf(MESSAGE_TIMESTAMP_TYPE, v, TIMESTAMP_TYPES));
        add(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Type.LONG, MAX_LONG, "log.message.timestamp.before.max.ms",
                "With CreateTime, how far in the past a batch timestamp may be.",
                v -> checkLong(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, v, 0));
        add(MESSAGE_TIMESTAMP_AFTER_MAX_MS, Type.LONG, "3600000", "log.message.timestamp.after.max.ms",
                "With CreateTime, how far in the future a batch timestamp may be.",
                v -> checkLong(MESSAGE_TIMESTAMP_AFTER_MAX_MS, v, 0));
        add(MIN_CLEANABLE_DIRTY_RATIO, Type.DOUBLE, "0.5", "log.cleaner.min.cleanable.ratio",
                "Dirty fraction of a compacted log that makes it eligible for cleaning.",
                TopicConfigs::checkRatio);
        add(MIN_COMPACTION_LAG_MS, Type.LONG, "0", "log.cleaner.min.compaction.lag.ms",
                "Shortest time a record stays uncompacted.", v -> checkLong(MIN_COMPACTION_LAG_MS, v, 0));
        add(MIN_INSYNC_REPLICAS, Type.INT, "1", "min.insync.replicas",
                "Replicas that must acknowledge an acks=all write.", v -> checkInt(MIN_INSYNC_REPLICAS, v, 1));
        add(PREALLOCATE, Type.BOOLEAN, "false", "log.preallocate",
                "Extend a new segment file to segment.bytes up front.", v -> checkBoolean(PREALLOCATE, v));
        add(RETENTION_BYTES, Type.LONG, "-1", "log.retention.bytes",
                "Size a partition may grow to before old segments are deleted; -1 is unlimited.",
                v -> checkLong(RETENTION_BYTES, v, Long.MIN_VALUE));
        add(RETENTION_MS, Type.LONG, "604800000", "log.retention.ms",
                "Age after which segments are deleted; -1 keeps them forever.", v -> checkLong(RETENTION_MS, v, -1));
        add(SEGMENT_BYTES, Type.INT, "1073741824", "log.segment.bytes",
                "Size at which the active segment rolls.", v -> checkInt(SEGMENT_BYTES, v, MIN_SEGMENT_BYTES));
        add(SEGMENT_INDEX_BYTES, Type.INT, "10485760", "log.index.size.max.bytes",
                "Maximum size of a segment's offset and time index; a full index rolls the segment.",
                v -> checkInt(SEGMENT_INDEX_BYTES, v, MIN_SEGMENT_INDEX_BYTES));
        add(SEGMENT_JITTER_MS, Type.LONG, "0", "log.roll.jitter.ms",
                "Random jitter subtracted from segment.ms so partitions don't all roll at once.",
                v -> checkLong(SEGMENT_JITTER_MS, v, 0));
        add(SEGMENT_MS, Type.LONG, "604800000", "log.roll.ms",
                "Age of the active segment's first batch after which it rolls.", v -> checkLong(SEGMENT_MS, v, 1));
        add(UNCLEAN_LEADER_ELECTION_ENABLE, Type.BOOLEAN, "false", "unclean.leader.election.enable",
                "Allow electing an out-of-sync replica as leader, at the cost of data loss.",
                v -> checkBoolean(UNCLEAN_LEADER_ELECTION_ENABLE, v));
    }

    private static final List<Definition> DEFINITIONS = CATALOGUE.values().stream()
            .map(Entry::definition)
            .sorted(Comparator.comparing(Definition::name))
            .toList();

    private TopicConfigs() {
    }

    private static void add(String name, Type type, String defaultValue, String brokerSynonym, String doc,
                            Consumer<String> check) {
        Entry entry = new Entry(new Definition(name, type, defaultValue, brokerSynonym, doc, true), check);
        CATALOGUE.put(name, entry);
        BY_BROKER_SYNONYM.put(brokerSynonym, entry);
    }

    /** All supported topic configs, sorted by name. */
    public static List<Definition> definitions() {
        return DEFINITIONS;
    }

    public static Optional<Definition> definition(String name) {
        Entry entry = CATALOGUE.get(name);
        return entry == null ? Optional.empty() : Optional.of(entry.definition());
    }

    /** The topic config whose broker-wide synonym (a dynamic broker config such as {@code log.retention.ms}) this is. */
    public static Optional<Definition> forBrokerSynonym(String brokerName) {
        Entry entry = BY_BROKER_SYNONYM.get(brokerName);
        return entry == null ? Optional.empty() : Optional.of(entry.definition());
    }

    /**
     * Validates a value of a broker-wide synonym with its topic config's check; the message names the broker config.
     *
     * @throws InvalidConfigurationException for an unknown name or a bad value
     */
    public static void validateBrokerSynonym(String brokerName, String value) {
        Entry entry = BY_BROKER_SYNONYM.get(brokerName);
        if (entry == null) {
            throw new InvalidConfigurationException("Unknown broker config name: " + brokerName);
        }
        if (value == null) {
            throw new InvalidConfigurationException("Null value not supported for broker config " + brokerName);
        }
        try {
            entry.check().accept(value);
        } catch (InvalidConfigurationException e) {
            String topicName = entry.definition().name();
            throw new InvalidConfigurationException(e.getMessage()
                    .replace("configuration " + topicName + ":", "configuration " + brokerName + ":"));
        }
    }

    /** Throws InvalidConfigurationException naming the first unknown config or bad value. */
    public static void validate(Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            validate(e.getKey(), e.getValue());
        }
    }

    /** Validates one name/value pair. */
    public static void validate(String name, String value) {
        Entry entry = CATALOGUE.get(name);
        if (entry == null) {
            throw new InvalidConfigurationException("Unknown topic config name: " + name);
        }
        if (value == null) {
            throw new InvalidConfigurationException("Null value not supported for topic config " + name);
        }
        entry.check().accept(value);
    }

    // ---- parsing, shared with LogConfig ----

    static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, value, "must be a long");
        }
    }

    static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, value, "must be an int");
        }
    }

    static double parseDouble(String name, String value) {
        try {
            double d = Double.parseDouble(value.trim());
            if (Double.isNaN(d)) {
                throw invalid(name, value, "must be a number");
            }
            return d;
        } catch (NumberFormatException e) {
            throw invalid(name, value, "must be a number");
        }
    }

    static boolean parseBoolean(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw invalid(name, value, "must be true or false");
    }

    /**
     * Normalizes a cleanup.policy list to "delete", "compact", "compact,delete", or "" for an empty list, which
     * (Kafka 4.2, KIP-1161) means neither deletion nor compaction: the log keeps everything.
     */
    static String normalizeCleanupPolicy(String value) {
        List<String> items = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (items.isEmpty()) {
            return "";
        }
        boolean compact = false;
        boolean delete = false;
        for (String item : items) {
            switch (item.toLowerCase(Locale.ROOT)) {
                case "compact" -> compact = true;
                case "delete" -> delete = true;
                default -> throw invalid(CLEANUP_POLICY, value, "items must be delete or compact");
            }
        }
        return compact && delete ? "compact,delete" : compact ? "compact" : "delete";
    }

    private static void checkCleanupPolicy(String value) {
        normalizeCleanupPolicy(value);
    }

    private static void checkOneOf(String name, String value, Set<String> allowed) {
        if (!allowed.contains(value.trim())) {
            throw invalid(name, value, "must be one of " + allowed.stream().sorted().toList());
        }
    }

    private static void checkLong(String name, String value, long min) {
        if (parseLong(name, value) < min) {
            throw invalid(name, value, "must be at least " + min);
        }
    }

    private static void checkInt(String name, String value, int min) {
        if (parseInt(name, value) < min) {
            throw invalid(name, value, "must be at least " + min);
        }
    }

    /** Within [min, max], or exactly {@code alsoAllowed} (a codec's "library default" marker). */
    private static void checkIntIn(String name, String value, int min, int max, int alsoAllowed) {
        int v = parseInt(name, value);
        if (v != alsoAllowed && (v < min || v > max)) {
            throw invalid(name, value, "must be between " + min + " and " + max
                    + (alsoAllowed < min || alsoAllowed > max ? " or " + alsoAllowed : ""));
        }
    }

    private static void checkBoolean(String name, String value) {
        parseBoolean(name, value);
    }

    private static void checkRatio(String value) {
        double d = parseDouble(MIN_CLEANABLE_DIRTY_RATIO, value);
        if (d < 0 || d > 1) {
            throw invalid(MIN_CLEANABLE_DIRTY_RATIO, value, "must be between 0 and 1");
        }
    }

    private static InvalidConfigurationException invalid(String name, String value, String why) {
        return new InvalidConfigurationException("Invalid value " + value + " for configuration " + name + ": " + why);
    }
}
