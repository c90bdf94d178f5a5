package io.strata.engine.log.checkpoint;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * {@code partition.metadata}: the topic id a partition directory belongs to, in Kafka's format
 * ("version: 0" and "topic_id: <base64 uuid>" lines), so a topic re-created under the same name is never
 * confused with the old one's data.
 */
public final class PartitionMetadataFile {
    private static final int MAX_SIZE = 4096;

    private PartitionMetadataFile() {
    }

    public static void write(Path dir, Uuid topicId) throws IOException {
        Path file = dir.resolve(LogFileNames.PARTITION_METADATA);
        Path temp = dir.resolve(LogFileNames.PARTITION_METADATA + LogFileNames.TEMP_SUFFIX);
        Files.writeString(temp, "version: 0\ntopic_id: " + topicId + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                StandardOpenOption.SYNC);
        Utils.atomicMoveWithFallback(temp, file, true);
    }

    /** The stored topic id; empty if the file is missing. Throws IOException if it is malformed. */
    public static Optional<Uuid> read(Path dir) throws IOException {
        Path file = dir.resolve(LogFileNames.PARTITION_METADATA);
        String text;
        try {
            if (Files.size(file) > MAX_SIZE) {
                throw new IOException("Malformed " + file + ": too large");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String version = null;
        String topicId = null;
        for (String line : text.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("version")) {
                version = value;
            } else if (key.equals("topic_id")) {
                topicId = value;
            }
        }
        if (!"0".equals(version) || topicId == null) {
            throw new IOException("Malformed " + file);
        }
        try {
            return Optional.of(Uuid.fromString(topicId));
        } catch (IllegalArgumentException e) {
            throw new IOException("Malformed topic id in " + file + ": " + topicId, e);
        }
    }
}
