package io.strata.admin.v3.records;

import io.strata.admin.error.RestException;
import io.strata.admin.v3.model.ProduceRequest;
import io.strata.admin.v3.model.ProduceRequestData;
import io.strata.admin.v3.model.ProduceRequestHeader;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Turns one v3 produce request into the Kafka record it stands for, as kafka-rest does without a Schema Registry:
 * BINARY data is base64 (the default type), JSON data is stored as its UTF-8 JSON text, STRING data as UTF-8; a
 * missing or null key/value is a null key/value. Anything it cannot encode fails with 400 for that record only.
 */
public final class RecordEncoder {
    private final JsonMapper json;

    public RecordEncoder(JsonMapper json) {
        this.json = json;
    }

    /** A record ready to send and the types its key and value were given in (for the delivery report). */
    public record Encoded(ProducerRecord<byte[], byte[]> record, String keyType, String valueType) {
    }

    public Encoded encode(String topic, int partitionCount, ProduceRequest request) {
        Integer partition = request.partitionId();
        if (partition != null && (partition < 0 || partition >= partitionCount)) {
            throw new RestException(HttpStatus.NOT_FOUND, 40402, "Partition " + partition + " of topic " + topic
                    + " not found: the topic has " + partitionCount + " partitions.");
        }
        String keyType = typeOf(request.key());
        String valueType = typeOf(request.value());
        byte[] key = data(request.key(), keyType, "key");
        byte[] value = data(request.value(), valueType, "value");
        Long timestamp = timestamp(request.timestamp());
        List<org.apache.kafka.common.header.Header> headers = new ArrayList<>();
        if (request.headers() != null) {
            for (ProduceRequestHeader header : request.headers()) {
                if (header == null || header.name() == null) {
                    throw badRequest("A header needs a name.");
                }
                headers.add(new RecordHeader(header.name(),
                        header.value() == null ? null : base64(header.value(), "header " + header.name())));
            }
        }
        return new Encoded(new ProducerRecord<>(topic, partition, timestamp, key, value, headers),
                request.key() == null ? null : keyType, request.value() == null ? null : valueType);
    }

    private static String typeOf(ProduceRequestData data) {
        return data == null || data.type() == null ? "BINARY" : data.type().toUpperCase(Locale.ROOT);
    }

    private byte[] data(ProduceRequestData data, String type, String field) {
        if (data == null || data.data() == null || data.data().isNull()) {
            if (data != null && !"BINARY".equals(type) && !"JSON".equals(type) && !"STRING".equals(type)) {
                throw unsupported(type, field);
            }
            return null;
        }
        JsonNode node = data.data();
        return switch (type) {
            case "BINARY" -> {
                if (!node.isString()) {
                    throw badRequest("The " + field + "'s data=" + node + " is not a base64 string.");
                }
                yield base64(node.asString(), field);
            }
            case "JSON" -> json.writeValueAsBytes(node);
            case "STRING" -> {
                if (!node.isString()) {
                    throw badRequest("The " + field + "'s data=" + node + " is not a string.");
                }
                yield node.asString().getBytes(StandardCharsets.UTF_8);
            }
            default -> throw unsupported(type, field);
        };
    }

    private static RestException unsupported(String type, String field) {
        if (type.equals("AVRO") || type.equals("JSONSCHEMA") || type.equals("PROTOBUF")) {
            return badRequest("The " + field + " is of type " + type + ", which needs a Schema Registry; "
                    + "this cluster has none. Use BINARY, JSON or STRING.");
        }
        return badRequest("Unknown " + field + " type " + type + "; use BINARY, JSON or STRING.");
    }

    private static byte[] base64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw badRequest("The " + what + " is not valid base64: " + e.getMessage());
        }
    }

    private static Long timestamp(String text) {
        if (text == null) {
            return null;
        }
        try {
            return isoEpochMillis(text);
        } catch (DateTimeParseException e) {
            throw badRequest("timestamp " + text + " is not an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z.");
        }
    }

    /** An ISO-8601 date-time with offset (or an instant) as epoch milliseconds. */
    static long isoEpochMillis(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException notOffset) {
            return Instant.parse(text).toEpochMilli();
        }
    }

    private static RestException badRequest(String message) {
        return new RestException(HttpStatus.BAD_REQUEST, 400, message);
    }
}
