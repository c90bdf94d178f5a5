package io.strata.admin.error;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Requests Spring MVC rejects before a controller runs (unreadable JSON, wrong content type, unknown path, a
 * parameter of the wrong type) get the JSON error body with the HTTP status as code, as kafka-rest's Jersey
 * layer answers them. Ordered before the API handlers so their catch-all does not take these.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestErrorHandler.class);

    /** A limit or check outside the API controllers (the body size filter's counting stream) failed. */
    @ExceptionHandler(RestException.class)
    ResponseEntity<ErrorBody> refused(RestException e) {
        return ResponseEntity.status(e.status()).contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .body(e.body());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof RestException refused) {
                return refused(refused); // the body size limit, hit while the converter read the body
            }
        }
        String detail = e.getMessage() == null ? "" : e.getMessage();
        if (detail.startsWith("Required request body is missing")) {
            return body(HttpStatus.UNPROCESSABLE_CONTENT, "Payload error. Request body is empty.");
        }
        log.debug("Unreadable request body", e);
        Throwable cause = e.getMostSpecificCause();
        return body(HttpStatus.BAD_REQUEST, "Malformed request body: " + firstLine(cause.getMessage()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorBody> unsupportedType(HttpMediaTypeNotSupportedException e) {
        return body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported content type " + e.getContentType()
                + "; supported: " + e.getSupportedMediaTypes());
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ErrorBody> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return body(HttpStatus.NOT_ACCEPTABLE, "Cannot answer in the requested media type; available: "
                + e.getSupportedMediaTypes());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ErrorBody> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
        return body(HttpStatus.METHOD_NOT_ALLOWED, "HTTP method " + e.getMethod() + " is not allowed here");
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<ErrorBody> noSuchPath(Exception e) {
        return body(HttpStatus.NOT_FOUND, "HTTP 404 Not Found");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ErrorBody> typeMismatch(MethodArgumentTypeMismatchException e) {
        return body(HttpStatus.BAD_REQUEST, "Invalid value '" + e.getValue() + "' for " + e.getName());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ErrorBody> missingParameter(MissingServletRequestParameterException e) {
        return body(HttpStatus.BAD_REQUEST, "Missing query parameter " + e.getParameterName());
    }

    @ExceptionHandler({MethodArgumentNotValidException.class, HandlerMethodValidationException.class})
    ResponseEntity<ErrorBody> invalid(Exception e) {
        String detail = e instanceof MethodArgumentNotValidException invalid
                ? invalid.getBindingResult().getFieldErrors().stream()
                        .map(f -> f.getField() + " " + f.getDefaultMessage()).toList().toString()
                : e.getMessage();
        return body(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid request: " + detail);
    }

    static ResponseEntity<ErrorBody> body(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .body(new ErrorBody(status.value(), message));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "not valid JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
