package io.strata.engine.log.checkpoint;

import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A data directory's clean-shutdown record ({@code clean-shutdown} at its top): the log end offset of every log a
 * graceful shutdown closed, keyed by the log's directory name, written once after the last log is closed (Kafka
 * also keeps one marker per log dir, not one per partition). A start takes it, reading it and deleting it with
 * one directory fsync, before it opens any log, so a crash after that start is never taken for a clean shutdown;
 * a log is then trusted without validating its data only if its entry matches its files' end.
 *
 * <p>One file instead of a marker in each partition directory, which cost a directory fsync per partition at
 * every start and a checkpoint write (fsync, rename, directory fsync) per partition at every shutdown.
 */
public final class CleanShutdownFile {
    private static final Logger log = LoggerFactory.getLogger(CleanShutdownFile.class);

    private CleanShutdownFile() {
    }

    /**
     * Reads and removes the record: the log end by directory name, empty if there is none (the last shutdown
     * was not clean) or if it cannot be parsed (then every log is validated). The removal is durable on return.
     */
    public static Map<String, Long> take(Path dataDir) throws IOException {
        Path file = dataDir.resolve(LogFileNames.CLEAN_SHUTDOWN);
        Map<String, Long> ends;
        try {
            ends = parse(file, CheckpointFile.read(file));
        } catch (CheckpointFile.CorruptCheckpointException e) {
            log.warn("Ignoring the clean-shutdown record: {}; every log will be validated", e.getMessage());
            ends = Map.of();
        }
        if (Files.deleteIfExists(file)) {
            Utils.flushDir(dataDir);
        }
        return ends;
    }

    /** Writes the record of a graceful shutdown (temp file, fsync, rename, directory fsync). */
    public static void write(Path dataDir, Map<String, Long> logEnds) throws IOException {
        List<String> entries = new TreeMap<>(logEnds).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).toList();
        CheckpointFile.write(dataDir.resolve(LogFileNames.CLEAN_SHUTDOWN), entries);
    }

    private static Map<String, Long> parse(Path file, Optional<List<String>> entries)
            throws CheckpointFile.CorruptCheckpointException {
        Map<String, Long> ends = new HashMap<>();
        for (String entry : entries.orElse(List.of())) {
            int space = entry.lastIndexOf(' ');
            long end = space > 0 ? parseOffset(entry.substring(space + 1)) : -1;
            if (end < 0 || ends.put(entry.substring(0, space), end) != null) {
                throw new CheckpointFile.CorruptCheckpointException(file, "bad entry '" + entry + "'");
            }
        }
        return ends;
    }

    /** The offset, or -1 if the text is not one. */
    private static long parseOffset(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
