package io.strata.engine.handler.data;

import io.strata.engine.cluster.DelayedOperation;
import io.strata.engine.cluster.Partition;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A fetch that had less than fetch.min.bytes available: it completes when an append (a follower's fetch) or a
 * moved high watermark (a consumer's) makes enough data visible, when a partition turns to an error (deleted, out of range), or at fetch.max.wait.ms.
 * With fetch.min.bytes 1 (clients' default) a check compares offsets only; with more it re-reads the logs (reads
 * only look up positions, no bytes are copied).
 */
final class DelayedFetch extends DelayedOperation {
    private final PartitionFetchReader reader;
    private final List<PartitionFetchReader.Target> targets;
    private final int maxBytes;
    private final int minBytes;
    private final Partition.FetchBound bound;
    private final Function<PartitionFetchReader.Reads, FetchResponseData> responseBuilder;
    private final CompletableFuture<ApiMessage> response;
    private final Executor checkExecutor;

    /**
     * @param checkExecutor where its checks and completion run when woken: the connection's event loop, as a parked
     *                      fetch is caught up and reads only the records just appended, from the page cache
     */
    DelayedFetch(PartitionFetchReader reader, List<PartitionFetchReader.Target> targets, int maxBytes, int minBytes,
                 Partition.FetchBound bound, Function<PartitionFetchReader.Reads, FetchResponseData> responseBuilder,
                 CompletableFuture<ApiMessage> response, Executor checkExecutor) {
        this.reader = reader;
        this.targets = targets;
        this.maxBytes = maxBytes;
        this.minBytes = minBytes;
        this.bound = bound;
        this.responseBuilder = responseBuilder;
        this.response = response;
        this.checkExecutor = checkExecutor;
    }

    @Override
    public Executor checkExecutor() {
        return checkExecutor;
    }

    /** A follower reads up to the log end; a consumer up to the high watermark (or below), which an append leaves. */
    @Override
    public boolean wakesOnAppend() {
        return bound == Partition.FetchBound.LOG_END;
    }

    @Override
    protected boolean isSatisfied() {
        if (minBytes <= 1) {
            return reader.anyNews(targets, bound);
        }
        PartitionFetchReader.Reads reads = reader.read(targets, maxBytes, bound);
        reads.release(); // a check only: onComplete reads again for the answer
        return reads.anyError() || reads.bytes() >= minBytes;
    }

    @Override
    protected void onComplete() {
        try {
            response.complete(responseBuilder.apply(reader.read(targets, maxBytes, bound)));
        } catch (RuntimeException e) {
            response.completeExceptionally(e);
        }
    }
}
