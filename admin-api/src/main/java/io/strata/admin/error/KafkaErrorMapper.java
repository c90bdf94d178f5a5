package io.strata.admin.error;

import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.springframework.http.HttpStatus;

/**
 * The one place a Kafka client exception becomes an HTTP status and kafka-rest error code (rest-utils'
 * {@code KafkaExceptionMapper}). v2 and v3 differ only in a few codes, which {@link Api} selects.
 */
public final class KafkaErrorMapper {

    /** Which HTTP API a request belongs to: their error codes for the same Kafka failure differ. */
    public enum Api { V2, V3 }

    private KafkaErrorMapper() {
    }

    public static RestException map(Throwable failure, Api api) {
        Throwable e = KafkaGateway.unwrap(failure);
        if (e instanceof RestException rest) {
            return rest;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof AuthenticationException) {
            return new RestException(HttpStatus.UNAUTHORIZED, 40101, "Authentication error: " + message, e);
        }
        if (e instanceof AuthorizationException) {
            return new RestException(HttpStatus.FORBIDDEN, 40301, "Authorization error: " + message, e);
        }
        if (e instanceof UnknownTopicOrPartitionException) {
            return api == Api.V2
                    ? new RestException(HttpStatus.NOT_FOUND, 40401, "Topic not found. " + message, e)
                    : new RestException(HttpStatus.NOT_FOUND, 40403, message, e);
        }
        if (e instanceof LeaderNotAvailableException) {
            return new RestException(HttpStatus.NOT_FOUND, 40404, message, e);
        }
        if (e instanceof GroupIdNotFoundException) {
            return new RestException(HttpStatus.NOT_FOUND, 40405, message, e);
        }
        if (e instanceof GroupNotEmptyException) {
            return new RestException(HttpStatus.BAD_REQUEST, 40002, message, e);
        }
        if (e instanceof SecurityDisabledException) {
            return new RestException(HttpStatus.BAD_REQUEST, 40002, message, e);
        }
        if (e instanceof TopicExistsException || e instanceof InvalidReplicationFactorException
                || e instanceof InvalidPartitionsException || e instanceof InvalidConfigurationException
                || e instanceof InvalidRequestException || e instanceof PolicyViolationException
                || e instanceof InvalidTopicException || e instanceof UnsupportedVersionException
                || e instanceof RecordTooLargeException || e instanceof OffsetOutOfRangeException) {
            return new RestException(HttpStatus.BAD_REQUEST, 40002, message, e);
        }
        if (e instanceof ThrottlingQuotaExceededException) {
            return new RestException(HttpStatus.TOO_MANY_REQUESTS, 42901, message, e);
        }
        if (e instanceof BrokerNotAvailableException || e instanceof CoordinatorNotAvailableException) {
            return new RestException(HttpStatus.SERVICE_UNAVAILABLE, 50302, message, e);
        }
        if (e instanceof RetriableException) {
            return new RestException(HttpStatus.INTERNAL_SERVER_ERROR, 50003, message, e);
        }
        if (e instanceof KafkaException) {
            return new RestException(HttpStatus.INTERNAL_SERVER_ERROR, 50002, message, e);
        }
        return new RestException(HttpStatus.INTERNAL_SERVER_ERROR, 500, "Internal server error", e);
    }
}
