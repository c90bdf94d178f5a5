package io.strata.engine.log;

import io.strata.engine.log.checkpoint.CheckpointFile;
import io.strata.engine.log.checkpoint.LogFileNames;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The checkpoint files of one {@link PartitionLog}: high watermark, recovery point and log start offset, each
 * rewritten only when its value differs from the last one written.
 *
 * <p>Concurrency: every method runs with {@link #lock()} held, the log's checkpoint lock. The log also holds it
 * while it renames its directory or marks itself closed or deleted, so no checkpoint lands in a moved or deleted
 * directory. The "last written" values are guarded by it. It is the last lock in the log's order (appendLock,
 * then the group commit monitor, then this lock); nothing else is taken while it is held.
 */
final class LogCheckpoints {
    private final Object lock = new Object();
    private final Supplier<Path> dir;
    private final BooleanSupplier deleted;
    /** Guarded by lock; -1 = not written since open. */
    private long writtenHighWatermark = -1;
    private long writtenRecoveryPoint = -1;
    private long writtenLogStartOffset = -1;

    /**
     * @param dir     the log directory now (it changes when the log is renamed for deletion)
     * @param deleted whether the log was deleted: the log start offset is then no longer written
     */
    LogCheckpoints(Supplier<Path> dir, BooleanSupplier deleted) {
        this.dir = dir;
        this.deleted = deleted;
    }

    /** The checkpoint lock: hold it for every call here. */
    Object lock() {
        return lock;
    }

    /** Writes whichever of the three checkpoints changed. Caller holds {@link #lock()}. */
    void write(long highWatermark, long recoveryPoint, long logStartOffset) throws IOException {
        assert Thread.holdsLock(lock);
        if (highWatermark != writtenHighWatermark) {
            CheckpointFile.writeOffset(dir.get().resolve(LogFileNames.HIGH_WATERMARK_CHECKPOINT), highWatermark);
            writtenHighWatermark = highWatermark;
        }
        if (recoveryPoint != writtenRecoveryPoint) {
            CheckpointFile.writeOffset(dir.get().resolve(LogFileNames.RECOVERY_POINT_CHECKPOINT), recoveryPoint);
            writtenRecoveryPoint = recoveryPoint;
        }
        writeLogStartOffset(logStartOffset);
    }

    /** Writes the log start offset checkpoint if it changed and the log is not deleted. Caller holds {@link #lock()}. */
    void writeLogStartOffset(long offset) throws IOException {
        assert Thread.holdsLock(lock);
        if (offset != writtenLogStartOffset && !deleted.getAsBoolean()) {
            CheckpointFile.writeOffset(dir.get().resolve(LogFileNames.LOG_START_OFFSET_CHECKPOINT), offset);
            writtenLogStartOffset = offset;
        }
    }
}
