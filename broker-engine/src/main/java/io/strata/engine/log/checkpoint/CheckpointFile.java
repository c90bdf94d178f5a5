package io.strata.engine.log.checkpoint;

import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Small text checkpoint files in Kafka's layout: a version line, an entry count line, then one line per
 * entry. Written to a temp file, fsynced, atomically renamed over the old file, and the directory fsynced,
 * so a crash leaves either the old or the new content, never a mix.
 */
public final class CheckpointFile {
    static final int VERSION = 0;
    private static final long MAX_SIZE = 16 * 1024 * 1024;

    /** A checkpoint that exists but cannot be parsed. */
    public static final class CorruptCheckpointException extends IOException {
        private static final long serialVersionUID = 1L;

        public CorruptCheckpointException(Path file, String why) {
            super("Malformed checkpoint file " + file + ": " + why);
        }
    }

    private CheckpointFile() {
    }

    static void write(Path file, List<String> entries) throws IOException {
        StringBuilder text = new StringBuilder().append(VERSION).append('\n').append(entries.size()).append('\n');
        for (String entry : entries) {
            text.append(entry).append('\n');
        }
        Path temp = file.resolveSibling(file.getFileName() + LogFileNames.TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Utils.atomicMoveWithFallback(temp, file, true); // renames, then fsyncs the directory
    }

    /** The entry lines, or empty if the file does not exist. */
    static Optional<List<String>> read(Path file) throws IOException {
        String text;
        try {
            if (Files.size(file) > MAX_SIZE) {
                throw new CorruptCheckpointException(file, "larger than " + MAX_SIZE + " bytes");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CorruptCheckpointException(file, "not UTF-8");
        }
        List<String> lines = text.lines().toList();
        if (lines.size() < 2) {
            throw new CorruptCheckpointException(file, "missing version or count");
        }
        if (!lines.get(0).trim().equals(String.valueOf(VERSION))) {
            throw new CorruptCheckpointException(file, "unsupported version " + lines.get(0));
        }
        int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw new CorruptCheckpointException(file, "bad entry count " + lines.get(1));
        }
        if (count < 0 || count != lines.size() - 2) {
            throw new CorruptCheckpointException(file, "expected " + count + " entries, found " + (lines.size() - 2));
        }
        return Optional.of(new ArrayList<>(lines.subList(2, lines.size())));
    }

    public static void writeOffset(Path file, long offset) throws IOException {
        write(file, List.of(String.valueOf(offset)));
    }

    /** A single-offset checkpoint; empty if the file does not exist. */
    public static OptionalLong readOffset(Path file) throws IOException {
        Optional<List<String>> entries = read(file);
        if (entries.isEmpty()) {
            return OptionalLong.empty();
        }
        if (entries.get().size() != 1) {
            throw new CorruptCheckpointException(file, "expected one offset");
        }
        try {
            long offset = Long.parseLong(entries.get().get(0).trim());
            if (offset < 0) {
                throw new CorruptCheckpointException(file, "negative offset " + offset);
            }
            return OptionalLong.of(offset);
        } catch (NumberFormatException e) {
            throw new CorruptCheckpointException(file, "bad offset " + entries.get().get(0));
        }
    }
}
