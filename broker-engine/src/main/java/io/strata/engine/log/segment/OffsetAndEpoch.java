package io.strata.engine.log.segment;

/** An offset found by a timestamp lookup, with the record's timestamp and the leader epoch of its batch (-1 if unknown). */
public record OffsetAndEpoch(long offset, long timestamp, int leaderEpoch) {
}
