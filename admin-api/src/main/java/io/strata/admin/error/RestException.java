package io.strata.admin.error;

import org.springframework.http.HttpStatus;

/**
 * A request that fails with a known HTTP status and kafka-rest error code. Thrown by services and controllers;
 * the exception handlers turn it into an {@link ErrorBody}.
 */
public class RestException extends RuntimeException {
    private final HttpStatus status;
    private final int errorCode;

    public RestException(HttpStatus status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public RestException(HttpStatus status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    public HttpStatus status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    public ErrorBody body() {
        return new ErrorBody(errorCode, getMessage());
    }

    public static RestException badRequest(String message) {
        return new RestException(HttpStatus.BAD_REQUEST, 400, message);
    }

    /** v3: an unknown cluster id (kafka-rest answers 404 with the status as code on every operation). */
    public static RestException clusterNotFound(String clusterId) {
        return new RestException(HttpStatus.NOT_FOUND, 404, "Cluster " + clusterId + " cannot be found.");
    }

    public static RestException notFound(String message) {
        return new RestException(HttpStatus.NOT_FOUND, 404, message);
    }
}
