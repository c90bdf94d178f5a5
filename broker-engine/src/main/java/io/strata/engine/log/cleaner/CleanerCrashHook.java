package io.strata.engine.log.cleaner;

import org.apache.kafka.common.TopicPartition;

/**
 * Test hook: called at the points of a clean where a crash must be survivable. A test that wants the broker
 * to "die" there throws {@link SimulatedCrash}: the cleaner then stops touching the log at once (leaving the
 * files exactly as a crash would) and marks it uncleanable; the test halts the broker and restarts it.
 */
@FunctionalInterface
public interface CleanerCrashHook {
    CleanerCrashHook NONE = (tp, phase) -> { };

    /** The points of a clean. */
    enum Phase {
        /** A group's {@code .cleaned} files are written and fsynced, not yet renamed. */
        CLEANED_WRITTEN,
        /** Renamed to {@code .swap}: the swap is committed but not installed. */
        SWAP_RENAMED
    }

    void reached(TopicPartition tp, Phase phase);

    /** Thrown by a hook to end the clean as a crash would. */
    final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SimulatedCrash(String message) {
            super(message);
        }
    }
}
