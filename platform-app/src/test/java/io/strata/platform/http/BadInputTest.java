package io.strata.platform.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad HTTP input gets a 4xx with the JSON error body, never a 500 or a stack trace, and the platform keeps serving.
 * The size limit is the default {@code strata.http.max-request-size} of 8 MB.
 */
class BadInputTest extends HttpPlatformTestBase {
    private static final int TEN_MB = 10 * 1024 * 1024;

    @Test
    void malformedJsonIsABadRequest() {
        createTopic("bad-input-json", 1);
        var batch = http().post(v3("/topics/bad-input-json/records:batch"), "{\"entries\": [ {\"id\": ");
        assertErrorBody(batch, 400);
        var stream = http().post(v3("/topics/bad-input-json/records"), "{\"value\": }");
        assertErrorBody(stream, 400);
        assertThat(stream.json().get("message").asString()).startsWith("Error processing JSON");
        var notAnObject = http().post(v3("/topics/bad-input-json/records"), "[1, 2]");
        assertErrorBody(notAnObject, 400);
    }

    @Test
    void aWrongContentTypeIsUnsupported() {
        createTopic("bad-input-type", 1);
        var response = http().post(v3("/topics/bad-input-type/records:batch"), "<entries/>",
                "Content-Type", "application/xml");
        assertErrorBody(response, 415);
    }

    @Test
    void base64GarbageFailsTheRecordItIsIn() {
        createTopic("bad-input-base64", 1);
        var response = http().post(v3("/topics/bad-input-base64/records"), "{\"key\": {\"data\": \"@@@@\"}}");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(400);
        assertThat(response.json().get("message").asString()).contains("base64");
    }

    @Test
    void aNegativePartitionIsNotFound() {
        createTopic("bad-input-partition", 1);
        var response = http().post(v3("/topics/bad-input-partition/records"),
                "{\"partition_id\": -1, \"value\": {\"type\": \"STRING\", \"data\": \"x\"}}");
        assertThat(response.json().get("error_code").asInt()).isEqualTo(40402);
        var partition = http().get(v3("/topics/bad-input-partition/partitions/-1"));
        assertThat(partition.status()).isBetween(400, 499);
        assertThat(partition.json().has("error_code")).isTrue();
    }

    @Test
    void aBodyDeclaredLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
        createTopic("bad-input-large", 1);
        try (Socket socket = new Socket("127.0.0.1", httpPort)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + v3("/topics/bad-input-large/records:batch") + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + TEN_MB + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response).contains("\"error_code\":413");
        }
        assertThat(http().get("/v3/clusters").status()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyLargerThanTheLimitIsCutOffAtTheLimit() throws Exception {
        createTopic("bad-input-chunked", 1);
        String prefix = "{\"entries\": [{\"id\": \"a\", \"value\": {\"data\": \"";
        byte[] filler = new byte[64 * 1024];
        Arrays.fill(filler, (byte) 'A');
        try (ChunkedHttpStream stream = new ChunkedHttpStream(httpPort, "POST",
                v3("/topics/bad-input-chunked/records:batch"), "application/json")) {
            stream.send(prefix.getBytes(StandardCharsets.US_ASCII));
            try {
                for (int sent = 0; sent < TEN_MB; sent += filler.length) {
                    stream.send(filler);
                }
                stream.flush();
            } catch (java.io.IOException closedByServer) {
                // The server may stop reading and close once it has answered.
            }
            assertThat(stream.readStatus()).isEqualTo(413);
            StringBuilder body = new StringBuilder();
            String line;
            while ((line = stream.readLine()) != null) {
                body.append(line);
            }
            assertThat(body.toString()).contains("\"error_code\":413");
        }
        assertThat(http().get("/v3/clusters").status()).isEqualTo(200);
    }

    @Test
    void aStreamedRecordLargerThanTheLimitIsRefused() throws Exception {
        createTopic("bad-input-large-record", 1);
        try (ChunkedHttpStream stream = new ChunkedHttpStream(httpPort, "POST",
                v3("/topics/bad-input-large-record/records"), "application/json")) {
            byte[] filler = new byte[64 * 1024];
            Arrays.fill(filler, (byte) 'A');
            stream.send("{\"value\": {\"data\": \"".getBytes(StandardCharsets.US_ASCII));
            try {
                for (int sent = 0; sent < TEN_MB; sent += filler.length) {
                    stream.send(filler);
                }
                stream.send("\"}}".getBytes(StandardCharsets.US_ASCII));
                stream.endBody();
            } catch (java.io.IOException closedByServer) {
                // The server may stop reading and close once it has answered.
            }
            assertThat(stream.readStatus()).isEqualTo(413);
        }
        assertThat(http().get("/v3/clusters").status()).isEqualTo(200);
    }

    private static void assertErrorBody(HttpTestClient.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.json().get("error_code").asInt()).isPositive();
        assertThat(response.json().get("message").asString()).isNotBlank().doesNotContain("\tat ");
    }

    private static String readResponse(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) > 0) {
            bytes.write(buffer, 0, n);
            String text = bytes.toString(StandardCharsets.UTF_8);
            if (text.contains("\r\n\r\n") && text.contains("}")) {
                return text;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
