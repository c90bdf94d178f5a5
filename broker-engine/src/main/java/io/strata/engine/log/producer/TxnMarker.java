package io.strata.engine.log.producer;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.util.Iterator;

/**
 * What a control batch says about its producer's transaction: commit or abort (null for control records that are
 * not transaction markers) and the epoch of the transaction coordinator that wrote it.
 */
public record TxnMarker(ControlRecordType type, int coordinatorEpoch) {
    /** A control batch that ends no transaction (e.g. a KRaft control record). */
    static final TxnMarker NONE = new TxnMarker(null, -1);

    public boolean endsTransaction() {
        return type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT;
    }

    public boolean isAbort() {
        return type == ControlRecordType.ABORT;
    }

    /**
     * Reads the marker of the single control batch in {@code batch} (a whole v2 batch, as written or replicated).
     *
     * @throws InvalidRecordException if it holds no readable control record
     */
    public static TxnMarker parse(ByteBuffer batch) {
        Iterator<? extends RecordBatch> batches = MemoryRecords.readableRecords(batch.duplicate()).batches().iterator();
        if (!batches.hasNext()) {
            throw new InvalidRecordException("No control batch to read");
        }
        RecordBatch control = batches.next();
        if (!control.isControlBatch()) {
            throw new InvalidRecordException("Not a control batch");
        }
        Iterator<Record> records = control.iterator();
        if (!records.hasNext()) {
            throw new InvalidRecordException("Control batch without a record");
        }
        Record record = records.next();
        if (!record.hasKey()) {
            throw new InvalidRecordException("Control record without a key");
        }
        ControlRecordType type = ControlRecordType.parse(record.key());
        if (type != ControlRecordType.COMMIT && type != ControlRecordType.ABORT) {
            return NONE;
        }
        try {
            return new TxnMarker(type, EndTransactionMarker.deserialize(record).coordinatorEpoch());
        } catch (RuntimeException e) {
            throw new InvalidRecordException("Unreadable end transaction marker: " + e.getMessage());
        }
    }
}
