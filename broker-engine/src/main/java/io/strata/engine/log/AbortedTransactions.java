package io.strata.engine.log;

import io.strata.engine.log.segment.AbortedTxn;
import io.strata.engine.log.segment.LogSegment;
import io.strata.engine.log.segment.LogSegments;
import io.strata.engine.log.segment.TransactionIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * The aborted transactions a read_committed fetch must report: those overlapping the fetched offsets, collected
 * from the {@code .txnindex} of the segment holding the fetch offset and of later segments (an abort marker sits in
 * the segment it was appended to, possibly after the one holding the transaction's data), until an entry's last
 * stable offset shows that no later marker can belong to a transaction starting below the range's end.
 *
 * <p>Concurrency: lock-free, on any thread; each index publishes an immutable entry list.
 */
final class AbortedTransactions {
    private AbortedTransactions() {
    }

    /** Aborted transactions with a marker at or after {@code fetchOffset} and data below {@code upperBoundOffset}. */
    static List<AbortedTxn> collect(LogSegments segments, long fetchOffset, long upperBoundOffset) {
        List<AbortedTxn> out = new ArrayList<>();
        for (LogSegment segment : segments.from(fetchOffset)) {
            TransactionIndex.SearchResult found = segment.txnIndex().collect(fetchOffset, upperBoundOffset);
            out.addAll(found.aborted());
            if (found.complete()) {
                break;
            }
        }
        return out;
    }
}
