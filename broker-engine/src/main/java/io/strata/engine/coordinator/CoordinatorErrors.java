package io.strata.engine.coordinator;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletionException;

/**
 * Maps why a coordinator write failed to what clients are told, as Kafka's coordinators do: a lost or
 * unknown partition means NOT_COORDINATOR (look the coordinator up again), a write that could not be
 * replicated in time or without enough replicas COORDINATOR_NOT_AVAILABLE (retry); other API errors pass.
 */
public final class CoordinatorErrors {
    private CoordinatorErrors() {
    }

    /** The exception a failed append or commit wait completes the response with. */
    public static ApiException forAppendFailure(Throwable failure) {
        Throwable cause = unwrap(failure);
        Errors error = Errors.forException(cause);
        return switch (error) {
            case NOT_COORDINATOR, NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, KAFKA_STORAGE_ERROR,
                 FENCED_LEADER_EPOCH -> new NotCoordinatorException(cause.getMessage(), cause);
            case COORDINATOR_NOT_AVAILABLE, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                    new CoordinatorNotAvailableException(cause.getMessage(), cause);
            case UNKNOWN_SERVER_ERROR -> new CoordinatorNotAvailableException("Coordinator write failed: " + cause, cause);
            default -> (ApiException) cause;
        };
    }

    /** The Kafka error of a failed coordinator future. */
    public static Errors errorOf(Throwable failure) {
        Errors error = Errors.forException(unwrap(failure));
        return error == Errors.UNKNOWN_SERVER_ERROR ? Errors.COORDINATOR_NOT_AVAILABLE : error;
    }

    /** The cause of a failed future's exception (without CompletionException wrappers). */
    public static Throwable unwrapped(Throwable failure) {
        return unwrap(failure);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
