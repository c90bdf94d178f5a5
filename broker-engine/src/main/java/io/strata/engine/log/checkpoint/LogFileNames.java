package io.strata.engine.log.checkpoint;

import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** File and directory names inside a data dir, as Kafka lays them out. */
public final class LogFileNames {
    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    public static final String SNAPSHOT_SUFFIX = ".snapshot";
    /** A segment's aborted-transaction index. */
    public static final String TXN_INDEX_SUFFIX = ".txnindex";
    public static final String TEMP_SUFFIX = ".tmp";
    public static final String DELETE_DIR_SUFFIX = "-delete";
    /** Appended to a deleted segment's files until file.delete.delay.ms has passed and no reader holds them. */
    public static final String DELETED_SUFFIX = ".deleted";
    /** Appended to a segment's file names while the cleaner writes its replacement (deleted on start). */
    public static final String CLEANED_SUFFIX = ".cleaned";
    /** A cleaned segment, complete and fsynced, that replaces the segments it covers (completed on start). */
    public static final String SWAP_SUFFIX = ".swap";

    public static final String LEADER_EPOCH_CHECKPOINT = "leader-epoch-checkpoint";
    public static final String HIGH_WATERMARK_CHECKPOINT = "high-watermark-checkpoint";
    public static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    public static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
    /** At the top of a data dir: the log ends of a graceful shutdown ({@link CleanShutdownFile}). */
    public static final String CLEAN_SHUTDOWN = "clean-shutdown";
    /** How far the log cleaner has cleaned this partition (its first dirty offset). */
    public static final String CLEANER_OFFSET_CHECKPOINT = "cleaner-offset-checkpoint";
    static final String PARTITION_METADATA = "partition.metadata";

    private LogFileNames() {
    }

    /** 20-digit zero-padded offset, so names sort like offsets. */
    static String offsetName(long offset) {
        return String.format("%020d", offset);
    }

    public static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(offsetName(baseOffset) + LOG_SUFFIX);
    }

    public static Path indexFile(Path dir, long baseOffset) {
        return dir.resolve(offsetName(baseOffset) + INDEX_SUFFIX);
    }

    public static Path timeIndexFile(Path dir, long baseOffset) {
        return dir.resolve(offsetName(baseOffset) + TIME_INDEX_SUFFIX);
    }

    public static Path txnIndexFile(Path dir, long baseOffset) {
        return dir.resolve(offsetName(baseOffset) + TXN_INDEX_SUFFIX);
    }

    public static Path snapshotFile(Path dir, long offset) {
        return dir.resolve(offsetName(offset) + SNAPSHOT_SUFFIX);
    }

    /** The offset in a name like {@code 00000000000000000042.log}, if it has that shape and suffix. */
    public static OptionalLong parseOffset(String fileName, String suffix) {
        if (!fileName.endsWith(suffix)) {
            return OptionalLong.empty();
        }
        String stem = fileName.substring(0, fileName.length() - suffix.length());
        if (stem.length() != 20 || !stem.chars().allMatch(Character::isDigit)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(stem));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public static String dirName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /** The partition of a directory named {@code topic-partition}; empty for anything else. */
    public static Optional<TopicPartition> parseDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return Optional.empty();
        }
        String topic = name.substring(0, dash);
        String partition = name.substring(dash + 1);
        if (!partition.chars().allMatch(Character::isDigit) || partition.length() > 9
                || !topic.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-')) {
            return Optional.empty();
        }
        return Optional.of(new TopicPartition(topic, Integer.parseInt(partition)));
    }
}
