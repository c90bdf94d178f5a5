package io.strata.engine.log.cleaner;

import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Where transactional data meets the cleaner. Kafka removes aborted records and control batches only when
 * safe: aborted data once the cleaner knows (from the transaction index) that the transaction aborted, and a
 * control batch only after every data batch of its transaction is gone and its delete horizon has passed.
 * Today every transactional and control batch is kept whole (so a cleaned segment carries the replaced segments'
 * {@code .txnindex} entries over unchanged); a later step replaces {@link #KEEP_ALL} with a hook fed by the
 * aborted-transaction index ({@code LogSegment#txnIndex}), and must then
 * also keep aborted records out of the offset map (today the map takes every keyed record, so a later aborted
 * write would supersede a committed one). The cleaner already never reaches data of an open transaction: it
 * stops at the first unstable offset.
 */
@FunctionalInterface
public interface TransactionCleaningHook {
    /** Keeps every transactional and control batch as it is. */
    TransactionCleaningHook KEEP_ALL = batch -> batch.isTransactional() || batch.isControlBatch();

    /** Whether {@code batch} must be kept as it is, every record of it retained. */
    boolean keepWhole(RecordBatch batch);
}
