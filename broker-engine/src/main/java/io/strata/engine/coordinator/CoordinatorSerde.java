package io.strata.engine.coordinator;

import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Turns a coordinator's records into log records and back. */
public interface CoordinatorSerde<R> {
    SimpleRecord serialize(R record, long nowMs);

    /** @throws IllegalArgumentException for a record it cannot read (loading stops: the shard stays unavailable) */
    R deserialize(Record record);
}
