package io.strata.platform.http;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BrokersV3Test extends HttpPlatformTestBase {

    @Test
    void theBrokerListShowsEveryLiveBrokerWithWhereItListens() throws Exception {
        Collection<Node> nodes = kafkaAdmin().describeCluster().nodes().get(30, TimeUnit.SECONDS);
        var response = http().get(v3("/brokers"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("kind").asString()).isEqualTo("KafkaBrokerList");
        assertThat(response.json().at("/metadata/self").asString()).isEqualTo(http().base() + v3("/brokers"));
        JsonNode data = response.json().get("data");
        assertThat(data.size()).isEqualTo(nodes.size());
        Node first = nodes.stream().min((a, b) -> Integer.compare(a.id(), b.id())).orElseThrow();
        JsonNode broker = data.get(0);
        assertThat(broker.get("kind").asString()).isEqualTo("KafkaBroker");
        assertThat(broker.get("cluster_id").asString()).isEqualTo(clusterId());
        assertThat(broker.get("broker_id").asInt()).isEqualTo(first.id());
        assertThat(broker.get("host").asString()).isEqualTo(first.host());
        assertThat(broker.get("port").asInt()).isEqualTo(first.port());
        assertThat(broker.get("software_version").asString()).as("the version this build's broker reports")
                .isEqualTo(io.strata.engine.config.SoftwareVersion.current()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(http().get(v3("/brokers/" + first.id())).json().get("software_version").asString())
                .isEqualTo(io.strata.engine.config.SoftwareVersion.current());
    }

    @Test
    void aBrokerLinksToItsConfigsAndReplicas() throws Exception {
        Node node = kafkaAdmin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();
        String self = http().base() + v3("/brokers/" + node.id());
        var response = http().get(v3("/brokers/" + node.id()));
        assertThat(response.status()).isEqualTo(200);
        JsonNode broker = response.json();
        assertThat(broker.get("broker_id").asInt()).isEqualTo(node.id());
        assertThat(broker.get("port").asInt()).isEqualTo(node.port());
        assertThat(broker.at("/metadata/self").asString()).isEqualTo(self);
        assertThat(broker.at("/metadata/resource_name").asString())
                .isEqualTo("crn:///kafka=" + clusterId() + "/broker=" + node.id());
        assertThat(broker.at("/configs/related").asString()).isEqualTo(self + "/configs");
        assertThat(broker.at("/partition_replicas/related").asString()).isEqualTo(self + "/partition-replicas");
    }

    @Test
    void aBrokerListsItsLogDirsWithTheBytesTheyHold() throws Exception {
        String topic = "log-dirs-broker-" + System.nanoTime();
        createTopic(topic, 1);
        try (var producer = kafkaProducer()) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, new byte[512])).get(30, TimeUnit.SECONDS);
        }
        Node node = kafkaAdmin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode dirs = http().get(v3("/brokers/" + node.id())).json().get("log_dirs");
            assertThat(dirs.isArray()).as("Strata extension log_dirs").isTrue();
            assertThat(dirs.size()).isPositive();
            assertThat(dirs.get(0).get("path").asString()).isNotBlank();
            assertThat(dirs.get(0).get("error").isNull()).isTrue();
            long total = 0;
            for (JsonNode dir : dirs) {
                total += dir.get("size_bytes").asLong();
            }
            assertThat(total).as("the bytes of every replica, the new topic's 512 included").isGreaterThanOrEqualTo(512);
        });
        JsonNode listed = http().get(v3("/brokers")).json().get("data").get(0);
        assertThat(listed.get("log_dirs").isArray()).isTrue();
    }

    @Test
    void anUnknownBrokerIsNotFoundAndANonNumericIdIsABadRequest() {
        var unknown = http().get(v3("/brokers/4242"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error_code").asInt()).isEqualTo(404);
        assertThat(unknown.json().get("message").asString()).contains("4242");

        var notANumber = http().get(v3("/brokers/first"));
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.json().get("error_code").asInt()).isEqualTo(400);
    }

    @Test
    void brokersOfAnUnknownClusterAreNotFound() {
        var response = http().get("/v3/clusters/elsewhere/brokers");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("message").asString()).contains("elsewhere");
    }

    @Test
    void theClusterResourceCountsUnderReplicatedUnderMinIsrAndOfflinePartitionsAsKafkaSeesThem() throws Exception {
        createTopic("health-" + System.nanoTime(), 3);
        // One replica can never satisfy min.insync.replicas=2: both partitions are under min ISR.
        kafkaAdmin().createTopics(List.of(new NewTopic("health-min-isr-" + System.nanoTime(), 2, (short) 1)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            int[] expected = healthAsKafkaClientsSeeIt();
            JsonNode cluster = http().get(v3("")).json();
            assertThat(cluster.get("under_replicated_partitions_count").asInt()).isEqualTo(expected[0]);
            assertThat(cluster.get("offline_partitions_count").asInt()).isEqualTo(expected[1]);
            assertThat(cluster.get("under_min_isr_partitions_count").asInt()).isEqualTo(expected[2]).isGreaterThanOrEqualTo(2);
            assertThat(cluster.at("/controller/related").asString()).startsWith(http().base() + v3("/brokers/"));
        });
    }

    private int[] healthAsKafkaClientsSeeIt() throws Exception {
        Set<String> topics = kafkaAdmin().listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(30, TimeUnit.SECONDS);
        Map<String, TopicDescription> described = kafkaAdmin().describeTopics(topics).allTopicNames()
                .get(30, TimeUnit.SECONDS);
        int underReplicated = 0;
        int offline = 0;
        int underMinIsr = 0;
        Map<ConfigResource, Config> configs = kafkaAdmin().describeConfigs(topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get(30, TimeUnit.SECONDS);
        for (TopicDescription topic : described.values()) {
            int minIsr = Integer.parseInt(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()))
                    .get("min.insync.replicas").value());
            for (TopicPartitionInfo p : topic.partitions()) {
                underMinIsr += p.isr().size() < minIsr ? 1 : 0;
                underReplicated += p.isr().size() < p.replicas().size() ? 1 : 0;
                offline += p.leader() == null || p.leader().isEmpty() ? 1 : 0;
            }
        }
        return new int[] {underReplicated, offline, underMinIsr};
    }
}
