package io.strata.platform.http;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class ClustersV3Test extends HttpPlatformTestBase {

    @Test
    void theClusterListNamesThisClusterWithLinksToEverythingInIt() {
        var response = http().get("/v3/clusters");
        assertThat(response.status()).isEqualTo(200);
        JsonNode cluster = response.json().get("data").get(0);
        assertThat(response.json().get("kind").asString()).isEqualTo("KafkaClusterList");
        assertThat(cluster.get("kind").asString()).isEqualTo("KafkaCluster");
        assertThat(cluster.get("cluster_id").asString()).isEqualTo(clusterId());
        String self = http().base() + "/v3/clusters/" + clusterId();
        assertThat(cluster.at("/metadata/self").asString()).isEqualTo(self);
        assertThat(cluster.at("/metadata/resource_name").asString()).isEqualTo("crn:///kafka=" + clusterId());
        assertThat(cluster.at("/controller/related").asString()).isEqualTo(self + "/brokers/0");
        assertThat(cluster.at("/topics/related").asString()).isEqualTo(self + "/topics");
        assertThat(cluster.at("/partition_reassignments/related").asString())
                .isEqualTo(self + "/topics/-/partitions/-/reassignment");
    }

    @Test
    void linksFollowTheProxyInFrontOfThePlatform() {
        var response = http().get(v3(""), "X-Forwarded-Host", "kafka.example.com", "X-Forwarded-Proto", "https",
                "X-Forwarded-Prefix", "/kafka");
        assertThat(response.json().at("/metadata/self").asString())
                .isEqualTo("https://kafka.example.com/kafka/v3/clusters/" + clusterId());
    }

    @Test
    void anUnknownClusterIsNotFound() {
        var response = http().get("/v3/clusters/no-such-cluster");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(404);
        assertThat(response.json().get("message").asString()).contains("no-such-cluster");
    }

    @Test
    void anUnknownPathAnswersWithTheJsonErrorBody() {
        var response = http().get("/v3/no/such/path");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(404);
    }
}
