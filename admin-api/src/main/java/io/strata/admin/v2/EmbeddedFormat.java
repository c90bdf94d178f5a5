package io.strata.admin.v2;

import io.strata.admin.error.RestException;
import io.strata.admin.service.consumer.RecordFormat;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a v2 record's key or value travels inside the JSON body: JSON as UTF-8 JSON bytes (as kafka-rest's
 * {@code KafkaJsonSerializer} writes it), binary as base64, Strata's text as a UTF-8 string. A JSON null or an
 * absent field is a null key or value.
 */
public enum EmbeddedFormat {
    BINARY(V2MediaTypes.BINARY) {
        @Override
        byte[] decodeNonNull(JsonNode node, String field) {
            if (!node.isString()) {
                throw payloadError(field + " must be a base64 string in the binary format");
            }
            try {
                return Base64.getDecoder().decode(node.asString());
            } catch (IllegalArgumentException e) {
                throw payloadError(field + " is not valid base64: " + e.getMessage());
            }
        }

        /** A binary node: written as standard padded base64 straight into the response, with no String between. */
        @Override
        JsonNode encodeNonNull(byte[] bytes) {
            return NODES.binaryNode(bytes);
        }
    },
    JSON(V2MediaTypes.JSON) {
        @Override
        byte[] decodeNonNull(JsonNode node, String field) {
            return MAPPER.writeValueAsBytes(node);
        }

        @Override
        JsonNode encodeNonNull(byte[] bytes) {
            try {
                return MAPPER.readTree(bytes);
            } catch (JacksonException e) {
                throw new RestException(HttpStatus.UNPROCESSABLE_CONTENT, 42203,
                        "A record read is not valid JSON; consume it with the binary or text format");
            }
        }
    },
    TEXT(V2MediaTypes.TEXT) {
        @Override
        byte[] decodeNonNull(JsonNode node, String field) {
            if (!node.isString()) {
                throw payloadError(field + " must be a string in the text format");
            }
            return node.asString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        JsonNode encodeNonNull(byte[] bytes) {
            return NODES.stringNode(new String(bytes, StandardCharsets.UTF_8));
        }
    };

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String mediaType;

    EmbeddedFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The records' content type of this format. */
    public String mediaType() {
        return mediaType;
    }

    /** The bytes to store for a key or value ({@code field} names it in errors); null for null or absent. */
    public byte[] decode(JsonNode node, String field) {
        return node == null || node.isNull() || node.isMissingNode() ? null : decodeNonNull(node, field);
    }

    /** The JSON to answer for stored bytes; JSON null for null. */
    public JsonNode encode(byte[] bytes) {
        return bytes == null ? NODES.nullNode() : encodeNonNull(bytes);
    }

    abstract byte[] decodeNonNull(JsonNode node, String field);

    abstract JsonNode encodeNonNull(byte[] bytes);

    public RecordFormat recordFormat() {
        return RecordFormat.valueOf(name());
    }

    public static EmbeddedFormat of(RecordFormat format) {
        return valueOf(format.name());
    }

    /** The format a produce request's content type names; generic JSON means the JSON format. */
    public static EmbeddedFormat ofContentType(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith(V2MediaTypes.BINARY)) {
            return BINARY;
        }
        if (type.startsWith(V2MediaTypes.TEXT)) {
            return TEXT;
        }
        return JSON;
    }

    static RestException payloadError(String message) {
        return new RestException(HttpStatus.UNPROCESSABLE_CONTENT, 42206, message);
    }
}
