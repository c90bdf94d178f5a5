package io.strata.admin.v2;

import io.strata.admin.error.RestException;
import io.strata.admin.service.v2.OutgoingRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class V2ProduceBodyReaderTest {
    private final V2ProduceBodyReader reader = new V2ProduceBodyReader(1 << 20);

    private List<OutgoingRecord> read(String body, EmbeddedFormat format) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try {
            return reader.read(new ByteArrayInputStream(bytes), bytes.length, format);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static RestException refused(Runnable read) {
        try {
            read.run();
        } catch (RestException e) {
            return e;
        }
        throw new AssertionError("the body was accepted");
    }

    @Test
    void binaryKeysAndValuesAreDecodedByteForByteWithPartitionTimestampAndHeaders() {
        Random random = new Random(7);
        byte[] key = new byte[17];
        byte[] value = new byte[1500];
        random.nextBytes(key);
        random.nextBytes(value);
        String b64 = Base64.getEncoder().encodeToString(value);
        List<OutgoingRecord> records = read("{\"records\": [ {\"value\" : \"" + b64 + "\", \"key\":\""
                + Base64.getEncoder().encodeToString(key) + "\", \"partition\": 2, \"timestamp\": 1700000000000,"
                + " \"headers\": [{\"name\": \"h\", \"value\": \"aGk=\"}, {\"value\": null, \"name\": \"n\"}]},"
                + " {\"value\": null}, {}]}", EmbeddedFormat.BINARY);

        assertThat(records).hasSize(3);
        OutgoingRecord first = records.get(0);
        assertThat(first.key()).isEqualTo(key);
        assertThat(first.value()).isEqualTo(value);
        assertThat(first.partition()).isEqualTo(2);
        assertThat(first.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(first.headers()).hasSize(2);
        assertThat(first.headers().get(0).key()).isEqualTo("h");
        assertThat(first.headers().get(0).value()).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
        assertThat(first.headers().get(1).value()).isNull();
        assertThat(records.get(1).value()).isNull();
        assertThat(records.get(2).key()).isNull();
        assertThat(records.get(2).partition()).isNull();
    }

    @Test
    void base64WithJsonEscapesOrWithoutPaddingDecodesAsWithout() {
        byte[] value = new byte[300];
        new Random(3).nextBytes(value);
        String b64 = Base64.getEncoder().encodeToString(value);
        assertThat(b64).contains("/");
        // Some JSON writers escape '/' (as \/); the escaped form is decoded by the parser instead of in place.
        String escaped = b64.replace("/", "\\/");
        assertThat(read("{\"records\":[{\"value\":\"" + escaped + "\"}]}", EmbeddedFormat.BINARY).get(0).value())
                .isEqualTo(value);
        byte[] odd = {1, 2, 3, 4};
        String unpadded = Base64.getEncoder().withoutPadding().encodeToString(odd);
        assertThat(read("{\"records\":[{\"value\":\"" + unpadded + "\"},{\"value\":\"" + unpadded.replace("A", "\\u0041")
                + "\"}]}", EmbeddedFormat.BINARY)).allSatisfy(r -> assertThat(r.value()).isEqualTo(odd));
    }

    @Test
    void badBase64IsAPayloadErrorNamingTheField() {
        RestException inPlace = refused(() -> read("{\"records\":[{\"value\":\"eA==\"},{\"key\":\"***\"}]}",
                EmbeddedFormat.BINARY));
        assertThat(inPlace.errorCode()).isEqualTo(42206);
        assertThat(inPlace.getMessage()).contains("records[1].key");

        RestException escaped = refused(() -> read("{\"records\":[{\"value\":\"e\\/*\"}]}", EmbeddedFormat.BINARY));
        assertThat(escaped.errorCode()).isEqualTo(42206);
        assertThat(escaped.getMessage()).contains("records[0].value");

        RestException notAString = refused(() -> read("{\"records\":[{\"value\":{\"a\":1}}]}", EmbeddedFormat.BINARY));
        assertThat(notAString.errorCode()).isEqualTo(42206);

        RestException header = refused(() -> read("{\"records\":[{\"value\":\"eA==\",\"headers\":[{\"name\":\"h\","
                + "\"value\":\"%%\"}]}]}", EmbeddedFormat.BINARY));
        assertThat(header.errorCode()).isEqualTo(42206);
        assertThat(header.getMessage()).contains("the value of h");

        RestException nameless = refused(() -> read("{\"records\":[{\"headers\":[{\"value\":\"eA==\"}]}]}",
                EmbeddedFormat.BINARY));
        assertThat(nameless.errorCode()).isEqualTo(42206);
    }

    @Test
    void jsonAndTextValuesAreStoredAsUtf8() {
        List<OutgoingRecord> json = read("{\"records\":[{\"key\": \"k\", \"value\": { \"name\" : \"caf\u00e9\", "
                + "\"list\" : [1, 2.5, null] }, \"ignored\": [1, {\"x\": 2}]}]}", EmbeddedFormat.JSON);
        assertThat(new String(json.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("\"k\"");
        assertThat(new String(json.get(0).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"caf\u00e9\",\"list\":[1,2.5,null]}");

        List<OutgoingRecord> text = read("{\"records\":[{\"value\":\"\u2713 \\ud83d\\ude00\"}]}", EmbeddedFormat.TEXT);
        assertThat(new String(text.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("\u2713 \ud83d\ude00");
        assertThat(refused(() -> read("{\"records\":[{\"value\":7}]}", EmbeddedFormat.TEXT)).errorCode())
                .isEqualTo(42206);
    }

    @Test
    void numbersMayBeNumericStringsAndAnythingElseIsMalformed() {
        OutgoingRecord record = read("{\"records\":[{\"partition\":\"1\",\"timestamp\":\"5\"}]}", EmbeddedFormat.BINARY)
                .get(0);
        assertThat(record.partition()).isEqualTo(1);
        assertThat(record.timestamp()).isEqualTo(5L);
        assertThat(refused(() -> read("{\"records\":[{\"partition\":\"one\"}]}", EmbeddedFormat.BINARY)).errorCode())
                .isEqualTo(400);
        assertThat(refused(() -> read("{\"records\":[{\"partition\":4294967296}]}", EmbeddedFormat.BINARY))
                .errorCode()).isEqualTo(400);
    }

    @Test
    void emptyMalformedOrTruncatedBodiesAreRefused() {
        assertThat(refused(() -> read("", EmbeddedFormat.BINARY)).errorCode()).isEqualTo(422);
        assertThat(refused(() -> read("{}", EmbeddedFormat.BINARY)).errorCode()).isEqualTo(422);
        assertThat(refused(() -> read("{\"records\":[]}", EmbeddedFormat.BINARY)).errorCode()).isEqualTo(422);
        assertThat(refused(() -> read("{\"records\":[null]}", EmbeddedFormat.BINARY)).errorCode()).isEqualTo(42206);
        for (String malformed : List.of("[1]", "{\"records\":[1]}", "{\"records\":{}}", "{\"records\":[{\"value\":",
                "{\"records\":[{\"value\":\"eA==", "{\"records\":[]} {}", "{\"records\":[{\"value\":\"eA==\"}]")) {
            RestException e = refused(() -> read(malformed, EmbeddedFormat.BINARY));
            assertThat(e.errorCode()).as(malformed).isIn(400, 42206);
            assertThat(e.status().value()).as(malformed).isIn(400, 422);
        }
        assertThat(refused(() -> read("{\"records\":[{\"value\":\"eA==\"}]", EmbeddedFormat.BINARY)).errorCode())
                .isEqualTo(400);
    }

    @Test
    void aBodyShorterThanItsContentLengthOrOverTheLimitIsRefused() throws IOException {
        byte[] body = "{\"records\":[{\"value\":\"eA==\"}]}".getBytes(StandardCharsets.US_ASCII);
        InputStream shorter = new ByteArrayInputStream(body);
        assertThatThrownBy(() -> reader.read(shorter, body.length + 10, EmbeddedFormat.BINARY))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(400));
        assertThatThrownBy(() -> new V2ProduceBodyReader(16).read(new ByteArrayInputStream(body), body.length,
                EmbeddedFormat.BINARY))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(413));
        assertThat(reader.read(new ByteArrayInputStream(body), -1, EmbeddedFormat.BINARY).get(0).value())
                .isEqualTo(new byte[] {'x'});
    }
}
