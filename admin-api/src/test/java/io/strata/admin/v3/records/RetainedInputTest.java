package io.strata.admin.v3.records;

import io.strata.admin.v3.model.ProduceRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RetainedInputTest {
    /** As ProduceRecordsController's: a stream is many root values. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private static RetainedInput input(String text, int maxRetained) {
        return new RetainedInput(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxRetained);
    }

    @Test
    void aPlainAsciiStringIsTakenFromTheRetainedBytesAndAnythingElseIsLeftToTheParser() throws IOException {
        String text = "{\"a\":\"abc+/=\",\"b\":\"x\\ny\",\"c\":\"caf\u00e9\",\"d\":\"\"}";
        RetainedInput body = input(text, 1 << 20);
        body.readAllBytes();
        assertThat(body.asciiStringAt(text.indexOf("\"abc"))).isEqualTo("abc+/=");
        assertThat(body.asciiStringAt(text.indexOf("\"x"))).as("an escape").isNull();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int cafe = new String(utf8, StandardCharsets.ISO_8859_1).indexOf("\"caf");
        assertThat(body.asciiStringAt(cafe)).as("a non-ASCII byte").isNull();
        assertThat(body.asciiStringAt(new String(utf8, StandardCharsets.ISO_8859_1).indexOf("\"\"}"))).isEmpty();
        assertThat(body.asciiStringAt(0)).as("not at a quote").isNull();

        body.release(text.indexOf("\"b"));
        assertThat(body.asciiStringAt(text.indexOf("\"abc"))).as("released").isNull();
    }

    @Test
    void aStringIsReadAheadToItsClosingQuoteAndTheBytesAreStillHandedToTheParser() throws IOException {
        byte[] text = "{\"a\":\"abcdef\"}".getBytes(StandardCharsets.US_ASCII);
        RetainedInput body = new RetainedInput(new ByteArrayInputStream(text) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 4)); // arrives 4 bytes at a time
            }
        }, 1 << 20);
        byte[] first = new byte[6];
        assertThat(body.readNBytes(first, 0, 6)).isEqualTo(6);
        assertThat(body.asciiStringAt(5)).isEqualTo("abcdef");
        assertThat(new String(first, StandardCharsets.US_ASCII) + new String(body.readAllBytes(), StandardCharsets.US_ASCII))
                .isEqualTo("{\"a\":\"abcdef\"}");
        assertThat(body.asciiStringAt(6)).as("not at a quote").isNull();
    }

    @Test
    void retentionStopsBeyondItsLimitAndResumesAfterAReleasePastWhatWasRead() throws IOException {
        String big = "\"" + "A".repeat(5000) + "\"" + " ".repeat(2000) + "\"tail\"";
        RetainedInput body = input(big, 4096);
        byte[] chunk = new byte[3000];
        body.read(chunk, 0, chunk.length);
        body.read(chunk, 0, chunk.length);
        assertThat(body.asciiStringAt(0)).isNull();
        body.release(6000);
        byte[] rest = body.readAllBytes();
        assertThat(rest).isNotEmpty();
        assertThat(body.asciiStringAt(big.indexOf("\"tail"))).isEqualTo("tail");
    }

    @Test
    void aStreamOfRecordsBindsAsWithoutRetentionWhateverTheirData() throws IOException {
        Random random = new Random(11);
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            byte[] value = new byte[random.nextInt(3000)];
            random.nextBytes(value);
            String b64 = Base64.getEncoder().encodeToString(value);
            stream.append(switch (i % 5) {
                case 0 -> "{\"value\":{\"data\":\"" + b64 + "\"}}";
                case 1 -> "{\"key\":{\"type\":\"STRING\",\"data\":\"k\\u00e9" + i + "\"},\"value\":{\"data\":\"" + b64.replace("/", "\\/") + "\"}}";
                case 2 -> "{\"value\":{\"type\":\"JSON\",\"data\":{\"n\":" + i + ",\"s\":[\"" + b64 + "\"]}}}";
                case 3 -> "{\"value\":{\"type\":\"STRING\",\"data\":\"\u2713 " + b64 + "\"},\"key\":{\"data\":null}}";
                default -> "{\"partition_id\":0,\"value\":{\"type\":\"BINARY\",\"data\":\"" + b64 + "\"}}";
            }).append(i % 2 == 0 ? "\n" : " ");
        }
        byte[] bytes = stream.toString().getBytes(StandardCharsets.UTF_8);
        List<ProduceRequest> plain = read(bytes, false, 1 << 20);
        assertThat(read(bytes, true, 1 << 20)).isEqualTo(plain);
        assertThat(read(bytes, true, 4096)).as("retention stopping and restarting").isEqualTo(plain);
    }

    /** Reads in small pieces, as a chunked body arrives, so strings straddle what the parser has read. */
    private static List<ProduceRequest> read(byte[] bytes, boolean retained, int maxRetained) throws IOException {
        InputStream trickle = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
        RetainedInput body = new RetainedInput(trickle, maxRetained);
        ObjectReader reader = retained ? JSON.readerFor(ProduceRequest.class).withAttribute(RetainedInput.class, body)
                : JSON.readerFor(ProduceRequest.class);
        List<ProduceRequest> records = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(body)) {
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                body.release(parser.currentTokenLocation().getByteOffset());
                records.add(reader.readValue(parser));
            }
        }
        assertThat(records).hasSize(300);
        return records;
    }
}
