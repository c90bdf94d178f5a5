package io.strata.engine.coordinator;

import java.util.List;

/**
 * What a write operation produced: the records to append (as one batch, possibly none) and the response to
 * complete once the high watermark covers them. A transactional write ({@code transactional} set, e.g. a
 * TxnOffsetCommit) appends its batch as part of that producer's transaction: the batch carries the producer id
 * and epoch and the transactional flag, and the shard replays its records with that producer id, so it can keep
 * them pending until the producer's commit or abort marker ({@link CoordinatorRuntime#scheduleTransactionCompletion}).
 */
public record CoordinatorResult<R, T>(List<R> records, T response, Transactional transactional) {
    /** The producer a transactional batch is written for (Kafka's producer id and epoch of the batch header). */
    public record Transactional(long producerId, short producerEpoch) {
    }

    public CoordinatorResult {
        records = List.copyOf(records);
    }

    /** A non-transactional write. */
    public CoordinatorResult(List<R> records, T response) {
        this(records, response, null);
    }

    /** A result that writes nothing: its response completes at once. */
    public static <R, T> CoordinatorResult<R, T> of(T response) {
        return new CoordinatorResult<>(List.of(), response);
    }

    /** A write whose records are appended as a transactional batch of {@code producerId} at {@code producerEpoch}. */
    public static <R, T> CoordinatorResult<R, T> transactional(long producerId, short producerEpoch, List<R> records,
                                                                T response) {
        return new CoordinatorResult<>(records, response, new Transactional(producerId, producerEpoch));
    }
}
