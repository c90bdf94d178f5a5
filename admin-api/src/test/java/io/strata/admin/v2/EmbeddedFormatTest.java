package io.strata.admin.v2;

import io.strata.admin.error.RestException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedFormatTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void jsonIsStoredAsCompactUtf8JsonAndReadBackAsTheSameTree() {
        JsonNode value = JSON.readTree("{ \"name\" : \"caf\u00e9\", \"list\" : [1, 2.5, null] }");
        byte[] stored = EmbeddedFormat.JSON.decode(value, "value");
        assertThat(new String(stored, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"caf\u00e9\",\"list\":[1,2.5,null]}");
        assertThat(EmbeddedFormat.JSON.encode(stored)).isEqualTo(value);
    }

    @Test
    void aJsonNullOrAbsentFieldIsANullKeyOrValue() {
        for (EmbeddedFormat format : EmbeddedFormat.values()) {
            assertThat(format.decode(null, "key")).isNull();
            assertThat(format.decode(JSON.readTree("null"), "key")).isNull();
            assertThat(format.encode(null).isNull()).isTrue();
        }
    }

    @Test
    void binaryIsBase64AndGarbageIsAPayloadError() {
        byte[] bytes = {0, (byte) 0xff, 42};
        String base64 = Base64.getEncoder().encodeToString(bytes);
        assertThat(EmbeddedFormat.BINARY.decode(JSON.readTree("\"" + base64 + "\""), "value")).isEqualTo(bytes);
        assertThat(EmbeddedFormat.BINARY.encode(bytes).asString()).isEqualTo(base64);
        assertThatThrownBy(() -> EmbeddedFormat.BINARY.decode(JSON.readTree("\"not base64!\""), "records[3].value"))
                .isInstanceOfSatisfying(RestException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(42206);
                    assertThat(e.getMessage()).contains("records[3].value");
                });
    }

    @Test
    void textIsUtf8AndMustBeAString() {
        String text = "\u2713 \ud83d\ude00";
        assertThat(EmbeddedFormat.TEXT.decode(JSON.readTree("\"" + text + "\""), "value"))
                .isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        assertThat(EmbeddedFormat.TEXT.encode(text.getBytes(StandardCharsets.UTF_8)).asString()).isEqualTo(text);
        assertThatThrownBy(() -> EmbeddedFormat.TEXT.decode(JSON.readTree("{}"), "value"))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(42206));
    }

    @Test
    void theContentTypeNamesTheFormat() {
        assertThat(EmbeddedFormat.ofContentType("application/vnd.kafka.binary.v2+json")).isEqualTo(EmbeddedFormat.BINARY);
        assertThat(EmbeddedFormat.ofContentType("application/vnd.kafka.text.v2+json; charset=UTF-8")).isEqualTo(EmbeddedFormat.TEXT);
        assertThat(EmbeddedFormat.ofContentType("application/vnd.kafka.json.v2+json")).isEqualTo(EmbeddedFormat.JSON);
        assertThat(EmbeddedFormat.ofContentType("application/json")).isEqualTo(EmbeddedFormat.JSON);
    }
}
