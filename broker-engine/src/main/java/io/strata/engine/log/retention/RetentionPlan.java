package io.strata.engine.log.retention;

/**
 * Retention's decision for one log: delete its oldest {@code segments} segments, for {@code reason} (the rule
 * reaching furthest). When that is every segment, the active one included, the log rolls first.
 */
public record RetentionPlan(int segments, RetentionReason reason) {
    public static final RetentionPlan NOTHING = new RetentionPlan(0, null);

    public boolean deletesAnything() {
        return segments > 0;
    }
}
