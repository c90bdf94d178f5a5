package io.strata.engine.log.validation;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;

/**
 * A batch refused because of its records: the partition-level error (INVALID_RECORD, or INVALID_TIMESTAMP
 * when a timestamp is out of range) and, for the Produce response's {@code record_errors}, which records
 * were at fault and why.
 */
public final class RecordValidationException extends ApiException {
    private final Errors error;
    private final List<RecordError> recordErrors;

    /** One refused record: its index in the batch and the reason. */
    public record RecordError(int batchIndex, String message) {
    }

    RecordValidationException(Errors error, String message, List<RecordError> recordErrors) {
        super(message);
        this.error = error;
        this.recordErrors = List.copyOf(recordErrors);
    }

    public Errors error() {
        return error;
    }

    public List<RecordError> recordErrors() {
        return recordErrors;
    }

    @Override
    public Throwable fillInStackTrace() {
        return this; // an expected outcome of bad input, not a bug: no stack trace to capture
    }
}
