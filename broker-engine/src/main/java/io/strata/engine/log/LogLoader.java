package io.strata.engine.log;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.CheckpointFile;
import io.strata.engine.log.checkpoint.CleanShutdownFile;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.producer.ProducerStateManager;
import io.strata.engine.log.producer.TxnMarker;
import io.strata.engine.log.segment.AbortedTxn;
import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import io.strata.engine.log.segment.SegmentRecovery;
import io.strata.engine.log.segment.SegmentScanner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Opens a partition directory and brings it to a consistent state.
 *
 * <p>After a clean shutdown (the data dir's {@link CleanShutdownFile} recorded a log end offset for this log
 * and it matches what the files hold) segments are trusted: only index sanity and the tail after each
 * segment's last index entry are checked. Otherwise every segment from the one holding the checkpointed recovery point (and always the
 * last one) is validated batch by batch; the log is cut at the first bad or torn batch, later segments are
 * deleted, indexes are rebuilt, and the result is fsynced. Segments below the recovery point are still
 * rebuilt if an index is missing or inconsistent.
 *
 * <p>First, files of an interrupted log clean are resolved ({@link SwapRecovery}).
 *
 * <p>Then the leader epoch cache (truncated to the log end, rebuilt from batch headers if its checkpoint is
 * missing or corrupt), the producer state (latest snapshot plus a replay of the batch headers after it; the snapshot
 * must lie at or below every segment recovery rebuilt, since the replay also rebuilds their {@code .txnindex})
 * the log start offset ({@code log-start-offset-checkpoint} clamped to [first segment base, log end]) and the
 * high watermark (checkpoint clamped to the log) are loaded. Leftover {@code .deleted} and {@code .tmp} files
 * are deleted first.
 */
final class LogLoader {
    private static final Logger log = LoggerFactory.getLogger(LogLoader.class);

    /** A log ready to serve. */
    record Loaded(LogSegments segments, long logStartOffset, long logEndOffset, long highWatermark,
                  LeaderEpochCache epochCache,
                  ProducerStateManager producerState, boolean cleanShutdown) {
    }

    private LogLoader() {
    }

    /**
     * @param cleanEnd the log end a graceful shutdown recorded for this log ({@link CleanShutdownFile}), taken
     *                 by the caller before this load; empty after a crash or for a log that was not closed cleanly
     */
    static Loaded load(Path dir, TopicPartition tp, LogConfig config, Time time, OptionalLong cleanEnd)
            throws IOException {
        Files.createDirectories(dir);
        SwapRecovery.recover(dir, tp); // an interrupted clean: back to the old segments or on to the new
        deleteStrayFiles(dir);
        boolean brandNew = !hasSegmentFiles(dir);
        LogSegments segments = openSegments(dir, config);
        try {
            boolean clean = brandNew; // nothing to recover
            long rebuiltFrom = Long.MAX_VALUE; // the lowest segment whose indexes (.txnindex included) were rebuilt
            if (!clean && cleanEnd.isPresent()) {
                Recovery trusted = validate(tp, segments, Long.MAX_VALUE, config, time);
                rebuiltFrom = trusted.lowestBase();
                clean = trusted.truncatedBytes() == 0 && segments.active().nextOffset() == cleanEnd.getAsLong();
                if (!clean) {
                    log.warn("{}: the log end recorded at the clean shutdown does not match the files; validating the log",
                            tp);
                }
            }
            if (!clean) {
                rebuiltFrom = Math.min(rebuiltFrom, recover(dir, tp, segments, config, time).lowestBase());
            }
            long logEnd = segments.active().nextOffset();
            long logStart = loadLogStartOffset(dir, tp, segments.first().baseOffset(), logEnd);
            LeaderEpochCache epochs = loadEpochs(dir, tp, segments, logStart, logEnd);
            ProducerStateManager producers = loadProducerState(dir, tp, segments, logStart, logEnd, rebuiltFrom, time);
            long hw = Math.max(logStart, Math.min(readOffset(dir.resolve(LogFileNames.HIGH_WATERMARK_CHECKPOINT),
                    tp).orElse(logStart), logEnd));
            return new Loaded(segments, logStart, logEnd, hw, epochs, producers, clean);
        } catch (IOException | RuntimeException e) {
            segments.all().forEach(LogSegment::closeQuietly);
            throw e;
        }
    }

    private static boolean hasSegmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> LogFileNames.parseOffset(p.getFileName().toString(), LogFileNames.LOG_SUFFIX)
                    .isPresent());
        }
    }

    private static void deleteStrayFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                boolean orphanIndex = (name.endsWith(LogFileNames.INDEX_SUFFIX) || name.endsWith(LogFileNames.TIME_INDEX_SUFFIX)
                        || name.endsWith(LogFileNames.TXN_INDEX_SUFFIX))
                        && !Files.exists(file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + LogFileNames.LOG_SUFFIX));
                // a clean-shutdown marker in a partition directory is from an older version: never trusted
                boolean oldMarker = name.equals(LogFileNames.CLEAN_SHUTDOWN);
                if (name.endsWith(LogFileNames.TEMP_SUFFIX) || name.endsWith(LogFileNames.DELETED_SUFFIX) || orphanIndex
                        || oldMarker) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static LogSegments openSegments(Path dir, LogConfig config) throws IOException {
        List<Long> bases;
        try (Stream<Path> files = Files.list(dir)) {
            bases = files.map(p -> LogFileNames.parseOffset(p.getFileName().toString(), LogFileNames.LOG_SUFFIX))
                    .filter(OptionalLong::isPresent).map(OptionalLong::getAsLong).sorted().toList();
        }
        LogSegments segments = new LogSegments();
        try {
            for (long base : bases) {
                segments.add(LogSegment.open(dir, base, config));
            }
            if (segments.isEmpty()) {
                segments.add(LogSegment.create(dir, 0, config));
                Utils.flushDir(dir);
            }
        } catch (IOException | RuntimeException e) {
            segments.all().forEach(LogSegment::closeQuietly);
            throw e;
        }
        return segments;
    }

    /** Outcome of a validation pass. */
    private record Recovery(List<LogSegment> recovered, long truncatedBytes) {
        long lowestBase() {
            return recovered.stream().mapToLong(LogSegment::baseOffset).min().orElse(Long.MAX_VALUE);
        }
    }

    /**
     * Validates (CRC and all) every segment holding offsets at or after {@code recoverFrom}, and any other
     * whose indexes fail their sanity check; trusts the rest. At the first bad batch the segment is cut and
     * all later segments are deleted.
     */
    private static Recovery validate(TopicPartition tp, LogSegments segments, long recoverFrom, LogConfig config,
                                     Time time) throws IOException {
        long nowMs = time.milliseconds();
        List<LogSegment> list = new ArrayList<>(segments.all());
        List<LogSegment> recovered = new ArrayList<>();
        long expected = list.get(0).baseOffset();
        long truncatedBytes = 0;
        for (int i = 0; i < list.size(); i++) {
            LogSegment segment = list.get(i);
            long nextBase = i + 1 < list.size() ? list.get(i + 1).baseOffset() : Long.MAX_VALUE;
            boolean mustValidate = recoverFrom != Long.MAX_VALUE && nextBase > recoverFrom;
            if (mustValidate || !segment.loadTrusted()) {
                if (!mustValidate) {
                    log.warn("{}: rebuilding the indexes of {}", tp, segment.logFile().getFileName());
                }
                SegmentRecovery.Result result = segment.recover(expected, config.indexIntervalBytes(), nowMs);
                segment.txnIndex().reset(); // rebuilt by the producer state replay after recovery
                recovered.add(segment);
                if (result.truncatedBytes() > 0) {
                    truncatedBytes = result.truncatedBytes();
                    List<LogSegment> later = list.subList(i + 1, list.size());
                    for (LogSegment dropped : later) {
                        segments.remove(dropped.baseOffset());
                        truncatedBytes += Files.size(dropped.logFile());
                        dropped.delete();
                    }
                    log.warn("{}: truncated {} bytes of {} ({}); log now ends at offset {}{}", tp,
                            result.truncatedBytes(), segment.logFile().getFileName(), result.problem(),
                            result.nextOffset(), later.isEmpty() ? "" : ", deleted " + later.size() + " later segment(s)");
                    break;
                }
            }
            expected = segment.nextOffset();
        }
        LogSegment active = segments.active();
        for (LogSegment segment : recovered) {
            if (segment != active) {
                segment.onBecomeInactive(); // seals the rebuilt indexes, as a roll would have
            }
            segment.flushLog();
            segment.flushIndexes();
        }
        return new Recovery(recovered, truncatedBytes);
    }

    private static Recovery recover(Path dir, TopicPartition tp, LogSegments segments, LogConfig config, Time time)
            throws IOException {
        long recoveryPoint = readOffset(dir.resolve(LogFileNames.RECOVERY_POINT_CHECKPOINT), tp).orElse(0);
        long recoverFrom = Math.min(recoveryPoint, segments.active().baseOffset());
        Recovery recovery = validate(tp, segments, recoverFrom, config, time);
        Utils.flushDir(dir);
        long logEnd = segments.active().nextOffset();
        CheckpointFile.writeOffset(dir.resolve(LogFileNames.RECOVERY_POINT_CHECKPOINT), logEnd);
        log.info("{}: recovered after an unclean shutdown: validated {} segment(s) from offset {}, truncated {} bytes,"
                + " log end offset {}", tp, recovery.recovered().size(), recoverFrom, recovery.truncatedBytes(), logEnd);
        return recovery;
    }

    private static LeaderEpochCache loadEpochs(Path dir, TopicPartition tp, LogSegments segments, long logStart,
                                               long logEnd) throws IOException {
        Path file = dir.resolve(LogFileNames.LEADER_EPOCH_CHECKPOINT);
        LeaderEpochCache cache;
        try {
            boolean missing = !Files.exists(file);
            cache = LeaderEpochCache.load(file);
            if (missing && logEnd > logStart) {
                cache = rebuildEpochs(file, segments);
            }
        } catch (CheckpointFile.CorruptCheckpointException e) {
            log.warn("{}: {}; rebuilding the leader epoch cache from the log", tp, e.getMessage());
            cache = rebuildEpochs(file, segments);
        }
        cache.truncateFromEnd(logEnd);
        cache.truncateFromStart(logStart);
        return cache;
    }

    private static LeaderEpochCache rebuildEpochs(Path file, LogSegments segments) throws IOException {
        LeaderEpochCache cache = LeaderEpochCache.empty(file);
        for (LogSegment segment : segments.all()) {
            SegmentScanner scanner = segment.scanner(0);
            for (BatchHeader h = scanner.next(); h != null; h = scanner.next()) {
                cache.assign(h.partitionLeaderEpoch(), h.baseOffset());
            }
        }
        cache.flush();
        return cache;
    }

    private static ProducerStateManager loadProducerState(Path dir, TopicPartition tp, LogSegments segments,
                                                          long logStart, long logEnd, long rebuiltFrom, Time time)
            throws IOException {
        ProducerStateManager state = new ProducerStateManager(tp, dir);
        long from = state.loadSnapshot(Math.min(logEnd, rebuiltFrom)).orElse(logStart);
        replay(state, segments, from, time.milliseconds());
        return state;
    }

    /**
     * Applies the batches from {@code from} to the log end to the producer state (headers only, plus the record of
     * each control batch), and indexes the aborts it meets in their segments' {@code .txnindex} unless already there.
     */
    static void replay(ProducerStateManager state, LogSegments segments, long from, long nowMs) throws IOException {
        for (LogSegment segment : segments.from(from)) {
            SegmentScanner scanner = segment.scanner(segment.lookupPosition(from));
            for (BatchHeader h = scanner.next(); h != null; h = scanner.next()) {
                if (h.baseOffset() >= from) {
                    TxnMarker marker = h.isControl() && h.hasProducerId() ? TxnMarker.parse(segment.readBatch(h)) : null;
                    Optional<AbortedTxn> aborted = state.update(h, marker, nowMs);
                    if (aborted.isPresent()) {
                        segment.appendAbortedTxn(aborted.get());
                    }
                }
            }
        }
    }

    /**
     * The checkpointed log start offset (DeleteRecords may have put it inside the first segment), clamped to
     * [first segment base, log end]; the first segment's base without a checkpoint.
     */
    private static long loadLogStartOffset(Path dir, TopicPartition tp, long firstBase, long logEnd) {
        long checkpointed = readOffset(dir.resolve(LogFileNames.LOG_START_OFFSET_CHECKPOINT), tp).orElse(firstBase);
        return Math.max(firstBase, Math.min(checkpointed, logEnd));
    }

    private static OptionalLong readOffset(Path file, TopicPartition tp) {
        try {
            return CheckpointFile.readOffset(file);
        } catch (IOException e) {
            log.warn("{}: ignoring unreadable checkpoint: {}", tp, e.getMessage());
            return OptionalLong.empty();
        }
    }
}
