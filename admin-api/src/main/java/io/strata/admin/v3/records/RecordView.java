package io.strata.admin.v3.records;

import io.strata.admin.error.RestException;
import io.strata.admin.v3.model.RecordData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * How record reads show keys and values: {@code binary} (base64), {@code string} (UTF-8 text), {@code json} (the
 * JSON itself; a value that is not JSON fails the read with 422), or {@code auto}: JSON when it parses, else a
 * string when it is valid UTF-8, else base64, each labelled with the type it was shown as.
 */
public enum RecordView {
    BINARY, STRING, JSON, AUTO;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    public static RecordView of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RestException(HttpStatus.BAD_REQUEST, 400, "Unknown format " + name
                    + "; use binary, string, json or auto.");
        }
    }

    public RecordData toData(ConsumerRecord<byte[], byte[]> record) {
        List<RecordData.Header> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new RecordData.Header(header.key(),
                    header.value() == null ? null : Base64.getEncoder().encodeToString(header.value())));
        }
        boolean timestamped = record.timestampType() != TimestampType.NO_TIMESTAMP_TYPE && record.timestamp() >= 0;
        return new RecordData("KafkaRecord", record.topic(), record.partition(), record.offset(),
                timestamped ? Instant.ofEpochMilli(record.timestamp()).toString() : null,
                record.timestampType().name(),
                show(record.key()), show(record.value()), headers);
    }

    private RecordData.Data show(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        return switch (this) {
            case BINARY -> binary(bytes);
            case STRING -> new RecordData.Data("STRING", bytes.length, new String(bytes, StandardCharsets.UTF_8));
            case JSON -> {
                try {
                    yield new RecordData.Data("JSON", bytes.length, MAPPER.readTree(bytes));
                } catch (JacksonException e) {
                    throw new RestException(HttpStatus.UNPROCESSABLE_CONTENT, 42203,
                            "A record read is not valid JSON; read it with format=binary, string or auto");
                }
            }
            case AUTO -> auto(bytes);
        };
    }

    private static RecordData.Data auto(byte[] bytes) {
        String text = utf8(bytes);
        if (text == null) {
            return binary(bytes);
        }
        String trimmed = text.strip();
        if (!trimmed.isEmpty() && "{[\"".indexOf(trimmed.charAt(0)) >= 0) {
            try {
                return new RecordData.Data("JSON", bytes.length, MAPPER.readTree(bytes));
            } catch (JacksonException notJson) {
                // shown as text below
            }
        }
        return new RecordData.Data("STRING", bytes.length, text);
    }

    /**
     * The bytes themselves: Jackson writes a {@code byte[]} as standard padded base64 (its default variant, the
     * same text as {@link Base64#getEncoder()}) straight into its output buffer, without the String that it would
     * otherwise build and then check character by character for escapes (writing those strings took 15% of the
     * request threads' CPU of a paging read).
     */
    private static RecordData.Data binary(byte[] bytes) {
        return new RecordData.Data("BINARY", bytes.length, bytes);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
