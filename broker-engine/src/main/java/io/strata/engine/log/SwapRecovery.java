package io.strata.engine.log;

import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.log.segment.CleanedSegmentWriter;
import io.strata.engine.log.segment.SegmentScanner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Brings a partition directory left by a crash during a log clean to either the old or the new segments.
 *
 * <p>The cleaner writes a group's replacement as {@code <base>.log.cleaned} (+ indexes), fsyncs it, renames it
 * to {@code .swap} (the log file last: {@code <base>.log.swap} existing is the commit point), then, under the
 * log's append lock, retires the replaced segments and renames the swap files to the live names. A cleaned
 * segment always ends with the last batch of the group it replaces (kept, possibly emptied), so it covers
 * exactly the offsets {@code [base, its next offset)} of the segments it replaces. On start:
 * {@code .cleaned} files are deleted (the old segments stay); for each {@code .log.swap}, the segments with
 * base offsets in that range are deleted and the swap is installed. Runs before segments are opened.
 *
 * <p>Threading: called by the log loader only, before anyone else sees the directory.
 */
final class SwapRecovery {
    private static final Logger log = LoggerFactory.getLogger(SwapRecovery.class);

    private SwapRecovery() {
    }

    static void recover(Path dir, TopicPartition tp) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.sorted().toList();
        }
        String logSwap = LogFileNames.LOG_SUFFIX + LogFileNames.SWAP_SUFFIX;
        boolean changed = false;
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(LogFileNames.CLEANED_SUFFIX)) {
                log.info("{}: deleting {} left by an interrupted clean", tp, name);
                Files.deleteIfExists(file);
                changed = true;
            }
        }
        for (Path file : files) {
            OptionalLong base = LogFileNames.parseOffset(file.getFileName().toString(), logSwap);
            if (base.isPresent()) {
                completeSwap(dir, tp, base.getAsLong(), file);
                changed = true;
            }
        }
        if (!changed && files.stream().noneMatch(f -> f.getFileName().toString().endsWith(LogFileNames.SWAP_SUFFIX))) {
            return; // nothing left by a clean: no second listing, no directory fsync (most starts of most logs)
        }
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : listing.toList()) { // index .swap files whose log file never reached .swap
                if (file.getFileName().toString().endsWith(LogFileNames.SWAP_SUFFIX)) {
                    Files.deleteIfExists(file);
                }
            }
        }
        Utils.flushDir(dir);
    }

    private static void completeSwap(Path dir, TopicPartition tp, long base, Path swapFile) throws IOException {
        long next;
        try (FileChannel channel = FileChannel.open(swapFile, StandardOpenOption.READ)) {
            next = nextOffset(channel, base);
        } catch (CorruptRecordException e) {
            // Cannot happen for a file fsynced before its rename; keep the old segments rather than guess.
            log.warn("{}: {} is unreadable ({}); keeping the segments it would replace", tp, swapFile.getFileName(),
                    e.getMessage());
            CleanedSegmentWriter.deleteFiles(dir, base, LogFileNames.SWAP_SUFFIX);
            return;
        }
        int replaced = 0;
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : listing.toList()) {
                OptionalLong old = LogFileNames.parseOffset(file.getFileName().toString(), LogFileNames.LOG_SUFFIX);
                if (old.isPresent() && old.getAsLong() >= base && old.getAsLong() < next) {
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(LogFileNames.indexFile(dir, old.getAsLong()));
                    Files.deleteIfExists(LogFileNames.timeIndexFile(dir, old.getAsLong()));
                    Files.deleteIfExists(LogFileNames.txnIndexFile(dir, old.getAsLong()));
                    replaced++;
                }
            }
        }
        CleanedSegmentWriter.installSwap(dir, base);
        log.info("{}: completed the swap of a cleaned segment at offset {} (offsets up to {}), replacing {} segment(s)",
                tp, base, next, replaced);
    }

    private static long nextOffset(FileChannel channel, long base) throws IOException {
        SegmentScanner scanner = new SegmentScanner(channel, 0, channel.size());
        long next = base;
        for (BatchHeader h = scanner.next(); h != null; h = scanner.next()) {
            next = h.nextOffset();
        }
        return next;
    }
}
