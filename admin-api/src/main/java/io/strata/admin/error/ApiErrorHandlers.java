package io.strata.admin.error;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Failures inside the v2 and v3 controllers: a {@link RestException} as thrown, anything else through
 * {@link KafkaErrorMapper} with the codes of the API the controller belongs to. Never a stack trace in a body.
 */
final class ApiErrorHandlers {
    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandlers.class);

    private ApiErrorHandlers() {
    }

    static ResponseEntity<ErrorBody> answer(Throwable failure, KafkaErrorMapper.Api api) {
        RestException error = KafkaErrorMapper.map(failure, api);
        if (error.status() == org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR) {
            log.warn("HTTP request failed: {}", error.getMessage(), failure);
        } else if (error.status().is5xxServerError()) {
            log.info("HTTP request failed: {}", error.getMessage()); // unavailable: expected while nodes change
        } else {
            log.debug("HTTP request refused: {}", error.getMessage(), failure);
        }
        return ResponseEntity.status(error.status()).contentType(MediaType.APPLICATION_JSON).body(error.body());
    }

    @RestControllerAdvice(basePackages = "io.strata.admin.v3")
    static class V3 {
        @ExceptionHandler(Exception.class)
        ResponseEntity<ErrorBody> failed(Exception e) {
            return answer(e, KafkaErrorMapper.Api.V3);
        }
    }

    @RestControllerAdvice(basePackages = "io.strata.admin.v2")
    static class V2 {
        @ExceptionHandler(Exception.class)
        ResponseEntity<ErrorBody> failed(Exception e) {
            return answer(e, KafkaErrorMapper.Api.V2);
        }
    }
}
