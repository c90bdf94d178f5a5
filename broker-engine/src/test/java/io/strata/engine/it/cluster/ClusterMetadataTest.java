package io.strata.engine.it.cluster;

import io.strata.engine.metadata.BrokerRegistration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three brokers on one metadata store: registration epochs, liveness by heartbeat and metadata changes
 * reaching every broker by polling (no replication yet: each partition's log lives on its leader only).
 */
class ClusterMetadataTest extends ThreeBrokerClusterTestBase {
    private static final Duration PROPAGATION = Duration.ofSeconds(10);

    @Test
    void eachBrokerGetsADistinctEpochAndARestartGetsAHigherOne() {
        long e1 = cluster.broker(1).brokerEpoch();
        long e2 = cluster.broker(2).brokerEpoch();
        long e3 = cluster.broker(3).brokerEpoch();
        assertThat(Set.of(e1, e2, e3)).hasSize(3).allMatch(e -> e > 0);
        assertThat(cluster.store().brokers()).extracting(BrokerRegistration::epoch).containsExactly(e1, e2, e3);

        cluster.broker(2).close();
        cluster.startBroker(2);

        assertThat(cluster.broker(2).brokerEpoch()).isGreaterThan(Math.max(e1, Math.max(e2, e3)));
    }

    @Test
    void aTopicCreatedThroughOneBrokerAppearsWithItsConfigsOnTheOthers() throws Exception {
        Admin viaOne = cluster.admin(1);
        viaOne.createTopics(List.of(new NewTopic("orders", 3, (short) 1)
                .configs(Map.of("retention.ms", "3600000")))).all().get();

        for (int id : List.of(2, 3)) {
            Admin other = cluster.admin(id);
            await().atMost(PROPAGATION).untilAsserted(() -> {
                TopicDescription described = describe(other, "orders");
                assertThat(described.partitions()).hasSize(3);
                assertThat(configValue(other, "orders", "retention.ms")).isEqualTo("3600000");
            });
        }

        viaOne.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "orders"), List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET)))).all().get();
        Admin viaThree = cluster.admin(3);
        await().atMost(PROPAGATION).untilAsserted(() ->
                assertThat(configValue(viaThree, "orders", "retention.ms")).isEqualTo("60000"));
    }

    @Test
    void aTopicDeletedThroughOneBrokerDisappearsFromTheOthers() throws Exception {
        Admin viaTwo = cluster.admin(2);
        viaTwo.createTopics(List.of(new NewTopic("short-lived", 3, (short) 1))).all().get();
        Admin viaOne = cluster.admin(1);
        Admin viaThree = cluster.admin(3);
        await().atMost(PROPAGATION).until(() -> topicNames(viaThree).contains("short-lived"));
        // Each broker holds the log of the partition it leads, created by applying the polled change.
        await().atMost(PROPAGATION).ignoreExceptions().until(() -> cluster.broker(3).config().dataDir()
                .resolve("short-lived-" + leaderPartition(viaThree, "short-lived", 3)).toFile().isDirectory());

        viaOne.deleteTopics(List.of("short-lived")).all().get();

        await().atMost(PROPAGATION).untilAsserted(() -> {
            assertThat(topicNames(viaTwo)).doesNotContain("short-lived");
            assertThat(topicNames(viaThree)).doesNotContain("short-lived");
        });
        await().atMost(PROPAGATION).until(() -> !cluster.broker(3).config().dataDir()
                .resolve("short-lived-" + 0).toFile().exists()
                && !cluster.broker(3).config().dataDir().resolve("short-lived-1").toFile().exists()
                && !cluster.broker(3).config().dataDir().resolve("short-lived-2").toFile().exists());
    }

    @Test
    void replicationFactorThreeWorksWhileAllThreeAreLiveAndIsRefusedOnceOneStopsHeartbeating() throws Exception {
        Admin viaTwo = cluster.admin(2);
        await().atMost(PROPAGATION).until(() -> viaTwo.describeCluster().nodes().get().size() == 3);
        viaTwo.createTopics(List.of(new NewTopic("replicated", 3, (short) 3))).all().get();
        // Admin may ask any broker; the others learn of the topic by their next poll.
        await().atMost(PROPAGATION).untilAsserted(() -> {
            List<TopicPartitionInfo> partitions = describe(viaTwo, "replicated").partitions();
            assertThat(partitions).allSatisfy(p ->
                    assertThat(p.replicas()).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3));
            Set<Integer> leaders = partitions.stream().map(p -> p.leader().id()).collect(Collectors.toSet());
            assertThat(leaders).containsExactlyInAnyOrder(1, 2, 3);
        });

        cluster.broker(3).close();

        await().atMost(Duration.ofMillis(ClusterFixture.SESSION_TIMEOUT_MS * 5)).untilAsserted(() -> {
            assertThat(cluster.store().brokers()).filteredOn(b -> b.brokerId() == 3)
                    .extracting(BrokerRegistration::live).containsExactly(false);
            assertThat(viaTwo.describeCluster().nodes().get()).extracting(Node::id).containsExactlyInAnyOrder(1, 2);
        });
        assertThatThrownBy(() -> viaTwo.createTopics(List.of(new NewTopic("too-wide", 1, (short) 3))).all().get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidReplicationFactorException.class)
                .hasMessageContaining("Replication factor: 3 larger than available brokers: 2")
                .hasMessageContaining("[1, 2]");
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    private static int leaderPartition(Admin admin, String topic, int brokerId) throws Exception {
        return describe(admin, topic).partitions().stream().filter(p -> p.leader().id() == brokerId)
                .mapToInt(TopicPartitionInfo::partition).findFirst().orElseThrow();
    }

    private static Set<String> topicNames(Admin admin) throws Exception {
        return admin.listTopics().names().get();
    }

    private static String configValue(Admin admin, String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all().get();
        ConfigEntry entry = configs.get(resource).get(name);
        return entry == null ? null : entry.value();
    }

}
