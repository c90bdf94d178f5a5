package io.strata.admin.v2;

import io.strata.admin.error.RestException;
import io.strata.admin.service.consumer.ConsumerInstanceDefinition;
import io.strata.admin.service.consumer.RecordFormat;
import io.strata.admin.v2.model.V2CreateConsumerRequest;
import org.springframework.http.HttpStatus;

import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * A v2 create-instance request as an instance definition: defaults as kafka-rest's (binary format, latest,
 * no auto commit, 1 s request timeout), invalid values refused with 422/42204.
 */
final class V2ConsumerConfigs {
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(1);

    private V2ConsumerConfigs() {
    }

    /** @param longestRequest the cap of {@code consumer.request.timeout.ms}, so a request stays bounded */
    static ConsumerInstanceDefinition definition(String group, V2CreateConsumerRequest request, Duration longestRequest) {
        V2CreateConsumerRequest r = request != null ? request
                : new V2CreateConsumerRequest(null, null, null, null, null, null, null, null);
        String name = r.name() != null && !r.name().isBlank() ? r.name()
                : r.id() != null && !r.id().isBlank() ? r.id() : "strata-consumer-" + UUID.randomUUID();
        RecordFormat format = r.format() == null ? RecordFormat.BINARY : RecordFormat.parse(r.format());
        if (format == null) {
            throw invalid("format must be binary, json or text, not " + r.format());
        }
        return new ConsumerInstanceDefinition(group, name, format, offsetReset(r.autoOffsetReset()),
                autoCommit(r.autoCommitEnable()), fetchMinBytes(r.fetchMinBytes()),
                requestTimeout(r.consumerRequestTimeoutMs(), longestRequest), isolation(r.isolationLevel()), null);
    }

    private static String offsetReset(String value) {
        if (value == null) {
            return "latest";
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "earliest", "smallest" -> "earliest";
            case "latest", "largest" -> "latest";
            case "none" -> "none";
            default -> throw invalid("auto.offset.reset must be earliest, latest or none, not " + value);
        };
    }

    private static boolean autoCommit(String value) {
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid("auto.commit.enable must be true or false, not " + value);
        };
    }

    private static Integer fetchMinBytes(String value) {
        if (value == null) {
            return null;
        }
        int bytes = parseInt(value, "fetch.min.bytes");
        if (bytes < 0) {
            throw invalid("fetch.min.bytes may not be negative");
        }
        return bytes;
    }

    private static Duration requestTimeout(String value, Duration longest) {
        if (value == null) {
            return DEFAULT_REQUEST_TIMEOUT;
        }
        int ms = parseInt(value, "consumer.request.timeout.ms");
        if (ms <= 0) {
            throw invalid("consumer.request.timeout.ms must be positive");
        }
        Duration timeout = Duration.ofMillis(ms);
        return timeout.compareTo(longest) > 0 ? longest : timeout;
    }

    private static String isolation(String value) {
        if (value == null) {
            return "read_uncommitted";
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "read_uncommitted" -> "read_uncommitted";
            case "read_committed" -> "read_committed";
            default -> throw invalid("isolation.level must be read_uncommitted or read_committed, not " + value);
        };
    }

    private static int parseInt(String value, String name) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name + " must be an integer, not " + value);
        }
    }

    static RestException invalid(String message) {
        return new RestException(HttpStatus.UNPROCESSABLE_CONTENT, 42204, "Invalid consumer configuration: " + message);
    }
}
