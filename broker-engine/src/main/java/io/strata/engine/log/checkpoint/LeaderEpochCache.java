package io.strata.engine.log.checkpoint;

import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Leader epoch -> first offset written in that epoch, for OffsetsForLeaderEpoch and follower truncation.
 * Persisted to {@code leader-epoch-checkpoint} (Kafka's text format: version, count, "epoch startOffset"
 * lines) on every change, through {@link CheckpointFile}'s temp file + fsync + atomic rename.
 *
 * <p>Threading: all methods are synchronized; changes come from the log's append path (under its lock),
 * queries from request threads. Changes are rare (once per leader epoch), so contention is negligible.
 */
public final class LeaderEpochCache {
    private static final Logger log = LoggerFactory.getLogger(LeaderEpochCache.class);

    /** An (epoch, start offset) pair. */
    public record EpochEntry(int epoch, long startOffset) {
    }

    /** OffsetsForLeaderEpoch answer: an epoch and the end offset of that epoch. */
    public record EpochEndOffset(int epoch, long endOffset) {
    }

    private static final EpochEndOffset UNDEFINED = new EpochEndOffset(RecordBatch.NO_PARTITION_LEADER_EPOCH, -1);

    private final Path file;
    private final TreeMap<Integer, Long> epochs = new TreeMap<>();

    private LeaderEpochCache(Path file) {
        this.file = file;
    }

    /** Loads the checkpoint (an absent file gives an empty cache); throws on a malformed one. */
    public static LeaderEpochCache load(Path file) throws IOException {
        LeaderEpochCache cache = new LeaderEpochCache(file);
        Optional<List<String>> lines = CheckpointFile.read(file);
        if (lines.isPresent()) {
            for (String line : lines.get()) {
                String[] parts = line.trim().split("\\s+");
                try {
                    if (parts.length != 2) {
                        throw new NumberFormatException(line);
                    }
                    cache.epochs.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                } catch (NumberFormatException e) {
                    throw new CheckpointFile.CorruptCheckpointException(file, "bad entry '" + line + "'");
                }
            }
        }
        return cache;
    }

    /** An empty cache that will persist to {@code file} (used when rebuilding from the log). */
    public static LeaderEpochCache empty(Path file) {
        return new LeaderEpochCache(file);
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset}. No-op if it is already the latest epoch; an
     * entry that conflicts (a later or equal epoch, or a start offset at or after this one) is replaced.
     */
    public synchronized void assign(int epoch, long startOffset) {
        if (epoch < 0 || startOffset < 0) {
            return;
        }
        Map.Entry<Integer, Long> latest = epochs.lastEntry();
        if (latest != null && latest.getKey() == epoch && latest.getValue() <= startOffset) {
            return;
        }
        epochs.entrySet().removeIf(e -> e.getKey() >= epoch || e.getValue() >= startOffset);
        epochs.put(epoch, startOffset);
        log.debug("Leader epoch {} starts at offset {} ({})", epoch, startOffset, file);
        persist();
    }

    public synchronized OptionalInt latestEpoch() {
        return epochs.isEmpty() ? OptionalInt.empty() : OptionalInt.of(epochs.lastKey());
    }

    /**
     * OffsetsForLeaderEpoch, with Kafka's semantics: for the latest epoch, (epoch, logEndOffset); for an
     * older one, the largest known epoch <= requested and the start offset of the next known epoch; for an
     * epoch older than every known one (its entries were removed with old segments), (requested, start of
     * the first known epoch); (-1, -1) for an undefined epoch or one above the latest.
     */
    public synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch < 0 || epochs.isEmpty()) {
            return UNDEFINED;
        }
        if (requestedEpoch == epochs.lastKey()) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        Map.Entry<Integer, Long> higher = epochs.higherEntry(requestedEpoch);
        if (higher == null) {
            return UNDEFINED;
        }
        Map.Entry<Integer, Long> floor = epochs.floorEntry(requestedEpoch);
        return floor == null ? new EpochEndOffset(requestedEpoch, higher.getValue())
                : new EpochEndOffset(floor.getKey(), higher.getValue());
    }

    /** The epoch whose range holds {@code offset}: the last epoch starting at or before it; -1 if unknown. */
    public synchronized int epochForOffset(long offset) {
        int found = RecordBatch.NO_PARTITION_LEADER_EPOCH;
        for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
            if (e.getValue() > offset) {
                break;
            }
            found = e.getKey();
        }
        return found;
    }

    public synchronized List<EpochEntry> entries() {
        List<EpochEntry> out = new ArrayList<>(epochs.size());
        epochs.forEach((epoch, offset) -> out.add(new EpochEntry(epoch, offset)));
        return out;
    }

    /** Removes epochs starting at or after {@code endOffset} (the log was truncated there). */
    public synchronized void truncateFromEnd(long endOffset) {
        if (epochs.entrySet().removeIf(e -> e.getValue() >= endOffset)) {
            persist();
        }
    }

    /**
     * Drops epochs that end before {@code startOffset} (old segments were deleted); the epoch covering
     * {@code startOffset} now starts there.
     */
    public synchronized void truncateFromStart(long startOffset) {
        Map.Entry<Integer, Long> covering = epochs.floorEntry(epochForOffset(startOffset));
        if (covering == null || covering.getValue() >= startOffset) {
            return;
        }
        epochs.headMap(covering.getKey(), true).clear();
        epochs.put(covering.getKey(), startOffset);
        persist();
    }

    private void persist() {
        List<String> lines = new ArrayList<>(epochs.size());
        epochs.forEach((epoch, offset) -> lines.add(epoch + " " + offset));
        try {
            CheckpointFile.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** Writes the current content (after a rebuild). */
    public synchronized void flush() {
        persist();
    }
}
