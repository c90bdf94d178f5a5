package io.strata.engine.log.retention;

/** Why retention deletes segments (a metric tag and a log message). */
public enum RetentionReason {
    /** The segment's largest timestamp is older than retention.ms. */
    RETENTION_MS("retention-ms"),
    /** Without the segment the log is still at least retention.bytes large. */
    RETENTION_BYTES("retention-bytes"),
    /** Every offset of the segment is below the log start offset (DeleteRecords moved it). */
    LOG_START_OFFSET("log-start-offset");

    private final String tag;

    RetentionReason(String tag) {
        this.tag = tag;
    }

    /** The lower-case name used in metric tags. */
    public String tag() {
        return tag;
    }
}
