package io.strata.admin.service;

import io.strata.admin.error.RestException;

import java.util.Locale;

/**
 * Where an offset reset moves a group on each partition, as kafka-consumer-groups.sh's {@code --reset-offsets}
 * options do: to the earliest or latest offset, to the first offset at or after a timestamp, to an explicit offset,
 * or shifted from the committed offset. Explicit and shifted offsets are clamped into the log's range.
 */
public record OffsetTarget(Strategy strategy, Long timestamp, Long offset, Long shiftBy) {

    public enum Strategy { EARLIEST, LATEST, TIMESTAMP, OFFSET, SHIFT_BY }

    public OffsetTarget {
        if (strategy == null) {
            throw RestException.badRequest("An offset reset needs a strategy: EARLIEST, LATEST, TIMESTAMP, OFFSET or SHIFT_BY");
        }
        if (strategy == Strategy.TIMESTAMP && (timestamp == null || timestamp < 0)) {
            throw RestException.badRequest("Strategy TIMESTAMP needs a timestamp (milliseconds since the epoch, >= 0)");
        }
        if (strategy == Strategy.OFFSET && offset == null) {
            throw RestException.badRequest("Strategy OFFSET needs an offset");
        }
        if (strategy == Strategy.SHIFT_BY && shiftBy == null) {
            throw RestException.badRequest("Strategy SHIFT_BY needs shift_by (negative moves back)");
        }
    }

    /** The strategy named {@code name} in any case; 400 for another name. */
    public static Strategy strategy(String name) {
        if (name == null) {
            return null;
        }
        try {
            return Strategy.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RestException.badRequest("Unknown offset reset strategy '" + name
                    + "': expected EARLIEST, LATEST, TIMESTAMP, OFFSET or SHIFT_BY");
        }
    }

    /**
     * The new offset on one partition.
     *
     * @param committed    the group's committed offset there, null if none (a shift then starts from the earliest)
     * @param earliest     the log start offset
     * @param latest       the log end offset
     * @param forTimestamp the first offset at or after {@link #timestamp}, null if no record is that recent
     */
    public long resolve(Long committed, long earliest, long latest, Long forTimestamp) {
        long target = switch (strategy) {
            case EARLIEST -> earliest;
            case LATEST -> latest;
            case TIMESTAMP -> forTimestamp == null ? latest : forTimestamp;
            case OFFSET -> offset;
            case SHIFT_BY -> saturatedAdd(committed == null ? earliest : committed, shiftBy);
        };
        return Math.max(earliest, Math.min(latest, target));
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }
}
