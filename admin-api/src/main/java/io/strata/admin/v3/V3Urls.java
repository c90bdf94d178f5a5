package io.strata.admin.v3;

import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Absolute URLs and resource names of v3 resources, built from the current request so links work through a
 * proxy: with {@code server.forward-headers-strategy=framework} (the platform's default) the
 * {@code X-Forwarded-Host/Proto/Port/Prefix} and {@code Forwarded} headers decide the scheme, host and prefix.
 * Call only on a request thread.
 */
public final class V3Urls {

    private V3Urls() {
    }

    /** {@code <scheme>://<host>[:port][/prefix]/v3/<segment>/<segment>...}, each segment percent-encoded. */
    public static String of(String... segments) {
        return ServletUriComponentsBuilder.fromCurrentContextPath()
                .pathSegment("v3").pathSegment(segments)
                .encode().build().toUriString();
    }

    /** The URL of {@code /v3/clusters/{clusterId}/<segments...>}. */
    public static String cluster(String clusterId, String... segments) {
        String[] all = new String[segments.length + 2];
        all[0] = "clusters";
        all[1] = clusterId;
        System.arraycopy(segments, 0, all, 2, segments.length);
        return of(all);
    }

    /**
     * A Confluent resource name: {@code crn:///kafka=<cluster>} followed by {@code /<type>=<name>} for each pair,
     * e.g. {@code crn("c1", "topic", "orders", "partition", "0")}.
     */
    public static String crn(String clusterId, String... typeNamePairs) {
        StringBuilder name = new StringBuilder("crn:///kafka=").append(clusterId);
        for (int i = 0; i + 1 < typeNamePairs.length; i += 2) {
            name.append('/').append(typeNamePairs[i]).append('=').append(typeNamePairs[i + 1]);
        }
        return name.toString();
    }
}
