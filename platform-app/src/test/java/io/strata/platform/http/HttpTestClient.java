package io.strata.platform.http;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A small blocking HTTP client for tests: requests with a body and content type, answers with parsed JSON. */
public final class HttpTestClient {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();

    private final String base;

    public HttpTestClient(String base) {
        this.base = base;
    }

    public String base() {
        return base;
    }

    public Response get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public Response delete(String path, String... headers) {
        return send("DELETE", path, null, headers);
    }

    /** A JSON body with {@code Content-Type: application/json} unless a header says otherwise. */
    public Response post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    public Response put(String path, String body, String... headers) {
        return send("PUT", path, body, headers);
    }

    public Response patch(String path, String body, String... headers) {
        return send("PATCH", path, body, headers);
    }

    /** {@code headers} are name/value pairs. */
    public Response send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        boolean contentType = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            contentType |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null && !contentType) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Response answer = new Response(response.statusCode(), response.headers().map(), response.body());
            checkAgainstReference(method, path, answer);
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every v3 answer the tests get is checked against the reference document's schema for that operation and
     * status, so a body that a client generated from it could not read fails the test that received it.
     */
    private static void checkAgainstReference(String method, String path, Response response) {
        String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (!plain.startsWith("/v3/clusters") || response.body().isEmpty()) {
            return;
        }
        ReferenceSpec.find().ifPresent(spec -> {
            String under = plain.substring("/v3".length());
            if (!spec.declares(method, under)) {
                return;
            }
            List<String> violations = new java.util.ArrayList<>();
            for (String document : documents(response.body())) {
                JsonNode body;
                try {
                    body = JSON.readTree(document);
                } catch (RuntimeException e) {
                    violations.add("not JSON: " + document);
                    continue;
                }
                violations.addAll(spec.violations(method, under, response.status(), body));
            }
            if (!violations.isEmpty()) {
                throw new AssertionError(method + " " + path + " answered " + response.status()
                        + " with a body that does not match the reference schema: " + violations + "\n" + response.body());
            }
        });
    }

    /** A body is one JSON document, or (streaming produce) one per line. */
    private static List<String> documents(String body) {
        List<String> lines = body.lines().filter(line -> !line.isBlank()).toList();
        if (lines.size() > 1 && lines.stream().allMatch(line -> line.startsWith("{") && line.endsWith("}"))) {
            return lines;
        }
        return List.of(body);
    }

    public record Response(int status, Map<String, List<String>> headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
