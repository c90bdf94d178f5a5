package io.strata.engine.log.cleaner;

import io.strata.engine.log.checkpoint.CheckpointFile;
import io.strata.engine.log.checkpoint.LogFileNames;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * {@code cleaner-offset-checkpoint} in a partition directory: the offset below which the log is clean (its
 * first dirty offset). Kafka keeps one file per data dir; one per partition goes away with the partition and
 * needs no coordination between logs.
 */
final class CleanerCheckpoint {
    private CleanerCheckpoint() {
    }

    static OptionalLong read(Path partitionDir) {
        try {
            return CheckpointFile.readOffset(partitionDir.resolve(LogFileNames.CLEANER_OFFSET_CHECKPOINT));
        } catch (IOException e) {
            return OptionalLong.empty(); // unreadable: the whole log counts as dirty again, which is safe
        }
    }

    static void write(Path partitionDir, long offset) throws IOException {
        CheckpointFile.writeOffset(partitionDir.resolve(LogFileNames.CLEANER_OFFSET_CHECKPOINT), offset);
    }
}
