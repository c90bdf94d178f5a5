package io.strata.admin.v2;

import io.strata.admin.config.HttpNodeIdentity;
import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Relays a v2 consumer instance request to the node owning the instance: same method, path, query, body,
 * Content-Type and Accept, marked with {@value #FORWARDED_HEADER} (this node's id) so the owner answers it
 * itself; the owner's status, Content-Type and body are the answer. An owner that cannot be reached gives a
 * retriable 503 (50003): its instances are taken over once its lease lapses.
 */
@Component
public class ConsumerInstanceForwarder {
    public static final String FORWARDED_HEADER = "X-Strata-Forwarded";

    /** Built on the first forward: creating one sets up TLS, which start-up need not wait for. */
    private volatile HttpClient client;
    private final HttpNodeIdentity node;
    private final Duration timeout;

    public ConsumerInstanceForwarder(HttpNodeIdentity node, KafkaGateway gateway) {
        this.node = node;
        // The owner's request may wait for a records request in progress on the instance, then run its own.
        this.timeout = gateway.requestTimeout().multipliedBy(2).plusSeconds(30);
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(5)).build();
                    client = c;
                }
            }
        }
        return c;
    }

    public void forward(String ownerUrl, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String target = ownerUrl + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        byte[] body = request.getInputStream().readAllBytes();
        HttpRequest.Builder forwarded = HttpRequest.newBuilder(URI.create(target)).timeout(timeout)
                .method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header(FORWARDED_HEADER, node.id());
        copy(request, HttpHeaders.CONTENT_TYPE, forwarded);
        copy(request, HttpHeaders.ACCEPT, forwarded);
        HttpResponse<byte[]> answer;
        try {
            answer = client().send(forwarded.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(ownerUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(ownerUrl, e);
        }
        response.setStatus(answer.statusCode());
        answer.headers().firstValue(HttpHeaders.CONTENT_TYPE).ifPresent(response::setContentType);
        response.getOutputStream().write(answer.body());
    }

    private static void copy(HttpServletRequest request, String header, HttpRequest.Builder to) {
        String value = request.getHeader(header);
        if (value != null) {
            to.header(header, value);
        }
    }

    private static RestException unreachable(String ownerUrl, Exception e) {
        return new RestException(HttpStatus.SERVICE_UNAVAILABLE, 50003, "The node owning this consumer instance ("
                + ownerUrl + ") cannot be reached; retry: another node takes the instance over once the owner's "
                + "lease lapses (" + e + ")");
    }
}
