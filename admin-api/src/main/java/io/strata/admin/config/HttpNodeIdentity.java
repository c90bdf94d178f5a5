package io.strata.admin.config;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * This HTTP node as other nodes know it: its id ({@code strata.http.node-id}, else random per start) and the
 * base URL they forward requests to ({@code strata.http.advertised-url}, else the local host address and the
 * web server's port, known once it has bound, hence resolved on first use).
 */
@Component
public class HttpNodeIdentity {
    private final String id;
    private final String configuredUrl;
    private final Environment environment;
    private volatile String url;

    public HttpNodeIdentity(HttpApiProperties properties, Environment environment) {
        this.id = blank(properties.nodeId()) ? "http-" + UUID.randomUUID() : properties.nodeId();
        this.configuredUrl = blank(properties.advertisedUrl()) ? null : stripSlash(properties.advertisedUrl());
        this.environment = environment;
    }

    public String id() {
        return id;
    }

    public String url() {
        String resolved = url;
        if (resolved == null) {
            resolved = configuredUrl != null ? configuredUrl : "http://" + hostAddress() + ":"
                    + environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
            url = resolved;
        }
        return resolved;
    }

    private static String hostAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static String stripSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
