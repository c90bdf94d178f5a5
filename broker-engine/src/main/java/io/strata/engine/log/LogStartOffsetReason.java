package io.strata.engine.log;

/** Why a log's start offset moved forward (for the log message), as Kafka's LogStartOffsetIncrementReason. */
public enum LogStartOffsetReason {
    /** DeleteRecords on the leader. */
    CLIENT_RECORD_DELETION,
    /** A follower adopting its leader's log start offset. */
    LEADER_OFFSET_INCREMENT
}
