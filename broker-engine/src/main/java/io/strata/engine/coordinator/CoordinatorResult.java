package io.strata.engine.coordinator;

import java.util.List;

/**
 * What a write operation produced: the records to append (as one batch, possibly none) and the response to
 * complete once the high watermark covers them.
 */
public record CoordinatorResult<R, T>(List<R> records, T response) {
    public CoordinatorResult {
        records = List.copyOf(records);
    }

    /** A result that writes nothing: its response completes at once. */
    public static <R, T> CoordinatorResult<R, T> of(T response) {
        return new CoordinatorResult<>(List.of(), response);
    }
}
