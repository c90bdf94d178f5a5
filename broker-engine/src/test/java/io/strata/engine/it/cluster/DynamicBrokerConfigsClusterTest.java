package io.strata.engine.it.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster-wide dynamic broker default set through one broker reaches every broker through its metadata poller:
 * each applies it to its replica's log without a restart and reports it in DescribeConfigs; a per-broker config
 * applies on that broker only.
 */
class DynamicBrokerConfigsClusterTest extends ThreeBrokerClusterTestBase {
    private static final TopicPartition TP = new TopicPartition("replicated", 0);
    private static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Test
    void aClusterDefaultAppliesOnEveryBrokerWithoutARestartAndAPerBrokerConfigOnlyOnItsBroker() throws Exception {
        cluster.createReplicatedTopic("replicated", 1, Map.of());

        cluster.admin(1).incrementalAlterConfigs(Map.of(CLUSTER_DEFAULT, List.of(new AlterConfigOp(
                new ConfigEntry("log.retention.ms", "3600000"), AlterConfigOp.OpType.SET)))).all().get(30, SECONDS);

        for (int id = 1; id <= 3; id++) {
            int broker = id;
            await().atMost(SETTLE).untilAsserted(() -> assertThat(retentionMs(broker)).isEqualTo(3_600_000L));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(id));
            ConfigEntry entry = describe(cluster.admin(id), resource).get("log.retention.ms");
            assertThat(entry.value()).as("broker %d", id).isEqualTo("3600000");
            assertThat(entry.source()).as("broker %d", id).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            assertThat(describe(cluster.admin(id), CLUSTER_DEFAULT).get("log.retention.ms").value())
                    .as("broker %d", id).isEqualTo("3600000");
        }

        ConfigResource broker2 = new ConfigResource(ConfigResource.Type.BROKER, "2");
        cluster.admin(2).incrementalAlterConfigs(Map.of(broker2, List.of(new AlterConfigOp(
                new ConfigEntry("log.retention.ms", "60000"), AlterConfigOp.OpType.SET)))).all().get(30, SECONDS);

        assertThat(retentionMs(2)).isEqualTo(60_000L);
        for (int id : new int[] {1, 3}) {
            int broker = id;
            // once brokers 1 and 3 have read broker 2's config, it must not have changed their logs
            await().atMost(SETTLE).until(() ->
                    cluster.broker(broker).logDefaults().dynamic().broker(2).containsKey("log.retention.ms"));
            assertThat(retentionMs(broker)).as("broker %d", id).isEqualTo(3_600_000L);
        }
    }

    private long retentionMs(int brokerId) {
        return cluster.broker(brokerId).replicaManager().partition(TP).orElseThrow().log().config().retentionMs();
    }

    private static org.apache.kafka.clients.admin.Config describe(Admin admin, ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get(30, SECONDS).get(resource);
    }
}
