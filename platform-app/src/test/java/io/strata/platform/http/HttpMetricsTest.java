package io.strata.platform.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HTTP layer's meters in the Prometheus scrape: requests by route, records over HTTP, consumer instances. */
class HttpMetricsTest extends HttpPlatformTestBase {

    @Test
    void requestsByRouteAndRecordsOverHttpAreExported() {
        createTopic("http-metrics", 1);
        assertThat(http().post(v3("/topics/http-metrics/records"), "{\"value\":{\"type\":\"STRING\",\"data\":\"a\"}}")
                .json().get("error_code").asInt()).isEqualTo(200);
        assertThat(http().get(v3("/topics/http-metrics/partitions/0/records")).json().get("data")).hasSize(1);
        assertThat(http().post("/consumers/http-metrics-group", "{\"name\": \"m1\"}",
                "Content-Type", "application/vnd.kafka.v2+json").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = http().get("/actuator/prometheus").body();
            assertThat(metrics).containsPattern("(?m)^http_server_requests_seconds_count\\{[^}]*method=\"POST\"[^}]*"
                    + "uri=\"/v3/clusters/\\{cluster_id}/topics/\\{topic_name}/records\"[^}]*} [1-9]");
            assertThat(metrics).containsPattern("(?m)^strata_http_records_produced_total\\{api=\"v3\"} [1-9]");
            assertThat(metrics).containsPattern("(?m)^strata_http_records_consumed_total\\{api=\"v3\"} [1-9]");
            assertThat(metrics).containsPattern("(?m)^strata_http_consumer_instances [1-9]");
        });
        assertThat(http().delete("/consumers/http-metrics-group/instances/m1",
                "Content-Type", "application/vnd.kafka.v2+json").status()).isEqualTo(204);
    }
}
