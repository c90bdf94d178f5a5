package io.strata.engine.it;

import io.strata.engine.config.LogConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dynamic broker configs with a real Admin client: this broker's own ({@code BROKER "0"}) and the cluster-wide
 * default ({@code BROKER ""}), altered with IncrementalAlterConfigs and the legacy AlterConfigs, described with
 * sources and synonyms, and applied to the logs of existing partitions without a restart.
 */
class DynamicBrokerConfigsTest extends BrokerTestBase {
    private static final ConfigResource BROKER = new ConfigResource(ConfigResource.Type.BROKER, "0");
    private static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");
    private static final TopicPartition TP = new TopicPartition("existing", 0);

    @Test
    void aBrokerConfigSetOnThisBrokerIsDescribedAsDynamicAndAppliesToExistingLogsAtOnce() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "existing", 1, Map.of());
        assertThat(logConfig().retentionMs()).isEqualTo(604_800_000L);

        alter(admin, BROKER, op(OpType.SET, "log.retention.ms", "3600000"));

        assertThat(logConfig().retentionMs()).as("applied before the reply, without a restart").isEqualTo(3_600_000L);
        ConfigEntry broker = describe(admin, BROKER).get("log.retention.ms");
        assertThat(broker.value()).isEqualTo("3600000");
        assertThat(broker.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(broker.isReadOnly()).isFalse();
        assertThat(broker.synonyms()).extracting(ConfigEntry.ConfigSynonym::source)
                .containsExactly(ConfigSource.DYNAMIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG);
        ConfigEntry topic = describe(admin, topic("existing")).get("retention.ms");
        assertThat(topic.value()).isEqualTo("3600000");
        assertThat(topic.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(topic.synonyms()).extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("log.retention.ms", ConfigSource.DYNAMIC_BROKER_CONFIG),
                        org.assertj.core.groups.Tuple.tuple("log.retention.ms", ConfigSource.DEFAULT_CONFIG));

        alter(admin, BROKER, op(OpType.DELETE, "log.retention.ms", null));
        assertThat(logConfig().retentionMs()).as("deleted: the default again").isEqualTo(604_800_000L);
        assertThat(describe(admin, BROKER).get("log.retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void theLayersApplyHighestFirstAndAreReportedInKafkasSynonymOrder() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of("segment.bytes", "4096"));
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "existing", 1, Map.of());
        assertThat(logConfig().segmentBytes()).isEqualTo(4096);

        alter(admin, CLUSTER_DEFAULT, op(OpType.SET, "log.segment.bytes", "8192"));
        assertThat(logConfig().segmentBytes()).as("the cluster default beats the static default").isEqualTo(8192);
        Config defaults = describe(admin, CLUSTER_DEFAULT);
        assertThat(defaults.entries()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("log.segment.bytes");
            assertThat(e.value()).isEqualTo("8192");
            assertThat(e.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            assertThat(e.synonyms()).extracting(ConfigEntry.ConfigSynonym::source)
                    .containsExactly(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        });
        assertThat(describe(admin, BROKER).get("log.segment.bytes").source())
                .isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);

        alter(admin, BROKER, op(OpType.SET, "log.segment.bytes", "16384"));
        assertThat(logConfig().segmentBytes()).as("this broker's own beats the cluster default").isEqualTo(16384);
        ConfigEntry segmentBytes = describe(admin, BROKER).get("log.segment.bytes");
        assertThat(segmentBytes.synonyms()).extracting(ConfigEntry.ConfigSynonym::value, ConfigEntry.ConfigSynonym::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("16384", ConfigSource.DYNAMIC_BROKER_CONFIG),
                        org.assertj.core.groups.Tuple.tuple("8192", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
                        org.assertj.core.groups.Tuple.tuple("4096", ConfigSource.STATIC_BROKER_CONFIG),
                        org.assertj.core.groups.Tuple.tuple("1073741824", ConfigSource.DEFAULT_CONFIG));
        ConfigEntry topic = describe(admin, topic("existing")).get("segment.bytes");
        assertThat(topic.synonyms()).extracting(ConfigEntry.ConfigSynonym::source).containsExactly(
                ConfigSource.DYNAMIC_BROKER_CONFIG, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                ConfigSource.STATIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG);

        alter(admin, topic("existing"), op(OpType.SET, "segment.bytes", "2048"));
        assertThat(logConfig().segmentBytes()).as("a topic override beats every broker layer").isEqualTo(2048);
        assertThat(describe(admin, topic("existing")).get("segment.bytes").synonyms())
                .extracting(ConfigEntry.ConfigSynonym::source).first().isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }

    @Test
    void appendAndSubtractEditTheBrokersCleanupPolicyList() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "existing", 1, Map.of());

        alter(admin, CLUSTER_DEFAULT, op(OpType.APPEND, "log.cleanup.policy", "compact"));
        assertThat(describe(admin, CLUSTER_DEFAULT).get("log.cleanup.policy").value()).isEqualTo("delete,compact");
        assertThat(logConfig().cleanupPolicy()).isEqualTo("compact,delete");

        alter(admin, CLUSTER_DEFAULT, op(OpType.SUBTRACT, "log.cleanup.policy", "delete"));
        assertThat(describe(admin, CLUSTER_DEFAULT).get("log.cleanup.policy").value()).isEqualTo("compact");
        assertThat(logConfig().cleanupPolicy()).isEqualTo("compact");

        assertThatThrownBy(() -> alter(admin, BROKER, op(OpType.APPEND, "log.retention.ms", "1")))
                .cause().isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("is not LIST");
    }

    @Test
    void badValuesUnknownNamesAndReadOnlyConfigsAreRefusedAndNothingIsStored() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();

        assertThatThrownBy(() -> alter(admin, BROKER, op(OpType.SET, "log.retention.ms", "soon")))
                .cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Invalid value soon for configuration log.retention.ms: must be a long");
        assertThatThrownBy(() -> alter(admin, CLUSTER_DEFAULT, op(OpType.SET, "log.segment.bytes", "10")))
                .cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("log.segment.bytes").hasMessageContaining("must be at least 1024");
        assertThatThrownBy(() -> alter(admin, BROKER, op(OpType.SET, "log.no.such.thing", "1")))
                .cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Unknown broker config name: log.no.such.thing");
        assertThatThrownBy(() -> alter(admin, BROKER, op(OpType.SET, "log.retention.ms", "1000"),
                op(OpType.SET, "log.dirs", "/elsewhere"), op(OpType.SET, "listeners", "PLAINTEXT://:1")))
                .cause().isInstanceOf(InvalidRequestException.class)
                .hasMessage("Cannot update these configs dynamically: Set(listeners, log.dirs)");
        assertThat(describe(admin, BROKER).get("listeners").isReadOnly()).isTrue();

        assertThat(fixture.metadataStore().brokerConfigs().clusterDefault()).isEmpty();
        assertThat(fixture.metadataStore().brokerConfigs().perBroker()).isEmpty();
    }

    @Test
    void validateOnlyReportsTheOutcomeButChangesNothing() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "existing", 1, Map.of());

        admin.incrementalAlterConfigs(Map.of(BROKER, List.of(op(OpType.SET, "log.retention.ms", "1000"))),
                new AlterConfigsOptions().validateOnly(true)).all().get(30, SECONDS);
        assertThatThrownBy(() -> admin.incrementalAlterConfigs(
                Map.of(BROKER, List.of(op(OpType.SET, "log.retention.ms", "x"))),
                new AlterConfigsOptions().validateOnly(true)).all().get(30, SECONDS))
                .cause().isInstanceOf(InvalidConfigurationException.class);

        assertThat(fixture.metadataStore().brokerConfigs().perBroker()).isEmpty();
        assertThat(describe(admin, BROKER).get("log.retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(logConfig().retentionMs()).isEqualTo(604_800_000L);
    }

    @Test
    void legacyAlterConfigsReplacesAllOfAResourcesDynamicConfigs() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        alter(admin, BROKER, op(OpType.SET, "log.retention.ms", "1000"), op(OpType.SET, "log.roll.ms", "60000"));

        try (RawKafkaConnection connection = new RawKafkaConnection(fixture.bootstrapServers())) {
            AlterConfigsResponse replaced = connection.send(legacyAlter(BROKER, Map.of("log.retention.bytes", "5000"),
                    false), ApiKeys.ALTER_CONFIGS.latestVersion());
            assertThat(errors(replaced)).containsExactly(Errors.NONE);
            assertThat(fixture.metadataStore().brokerConfigs().broker(0))
                    .containsExactlyEntriesOf(Map.of("log.retention.bytes", "5000"));

            AlterConfigsResponse dryRun = connection.send(legacyAlter(CLUSTER_DEFAULT, Map.of("log.roll.ms", "1"),
                    true), ApiKeys.ALTER_CONFIGS.latestVersion());
            assertThat(errors(dryRun)).containsExactly(Errors.NONE);
            AlterConfigsResponse invalid = connection.send(legacyAlter(CLUSTER_DEFAULT, Map.of("log.roll.ms", "0"),
                    false), ApiKeys.ALTER_CONFIGS.latestVersion());
            assertThat(errors(invalid)).containsExactly(Errors.INVALID_CONFIG);
            assertThat(fixture.metadataStore().brokerConfigs().clusterDefault()).isEmpty();
        }
    }

    @Test
    void anotherBrokersIdIsRefusedAsKafkaDoes() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        ConfigResource other = new ConfigResource(ConfigResource.Type.BROKER, "7");
        try (RawKafkaConnection connection = new RawKafkaConnection(fixture.bootstrapServers())) {
            IncrementalAlterConfigsResponse alter = connection.send(new IncrementalAlterConfigsRequest.Builder(
                    Map.of(other, List.of(op(OpType.SET, "log.retention.ms", "1000"))), false),
                    ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion());
            assertThat(alter.data().responses()).singleElement().satisfies(r -> {
                assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.INVALID_REQUEST);
                assertThat(r.errorMessage()).isEqualTo("Unexpected broker id, expected 0, but received 7");
            });
            DescribeConfigsResponse describe = connection.send(new DescribeConfigsRequest.Builder(
                    new DescribeConfigsRequestData().setResources(List.of(new DescribeConfigsRequestData
                            .DescribeConfigsResource().setResourceType(other.type().id()).setResourceName("7")))),
                    ApiKeys.DESCRIBE_CONFIGS.latestVersion());
            assertThat(describe.data().results()).singleElement().satisfies(r -> {
                assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.INVALID_REQUEST);
                assertThat(r.errorMessage()).isEqualTo("Unexpected broker id, expected 0 or empty string, but received 7");
            });
        }
        assertThat(fixture.metadataStore().brokerConfigs().perBroker()).isEmpty();
    }

    @Test
    void dynamicBrokerConfigsAreStoredAndSurviveARestart() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "existing", 1, Map.of());
        alter(admin, CLUSTER_DEFAULT, op(OpType.SET, "log.retention.ms", "7200000"));
        alter(admin, BROKER, op(OpType.SET, "log.retention.bytes", "1000000"));

        fixture.closeBroker();
        fixture.restart();

        assertThat(logConfig().retentionMs()).isEqualTo(7_200_000L);
        assertThat(logConfig().retentionBytes()).isEqualTo(1_000_000L);
        Config broker = describe(admin, BROKER);
        assertThat(broker.get("log.retention.ms").source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(broker.get("log.retention.bytes").source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
    }

    /** What {@code kafka-configs.sh --describe --all --broker 0} reads: every entry well-formed. */
    @Test
    void describingEveryBrokerConfigWithSynonymsAndDocumentationGivesWellFormedEntries() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        alter(admin, CLUSTER_DEFAULT, op(OpType.SET, "log.retention.ms", "7200000"));
        Config config = admin.describeConfigs(List.of(BROKER),
                new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true))
                .all().get(30, SECONDS).get(BROKER);

        assertThat(config.entries()).hasSizeGreaterThan(30).allSatisfy(e -> {
            assertThat(e.name()).isNotBlank();
            assertThat(e.value()).as(e.name()).isNotNull();
            assertThat(e.source()).as(e.name()).isNotEqualTo(ConfigSource.UNKNOWN);
            assertThat(e.type()).as(e.name()).isNotEqualTo(ConfigEntry.ConfigType.UNKNOWN);
            assertThat(e.isSensitive()).isFalse();
            assertThat(e.synonyms()).as(e.name()).isNotEmpty()
                    .allSatisfy(s -> assertThat(s.name()).isEqualTo(e.name()));
            assertThat(e.synonyms().get(0).value()).as(e.name()).isEqualTo(e.value());
            assertThat(e.synonyms().get(0).source()).as(e.name()).isEqualTo(e.source());
        });
        ConfigEntry retention = config.get("log.retention.ms");
        assertThat(retention.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(retention.isReadOnly()).isFalse();
        assertThat(retention.documentation()).isNotBlank();
        assertThat(retention.type()).isEqualTo(ConfigEntry.ConfigType.LONG);
        assertThat(config.get("broker.id").isReadOnly()).isTrue();
        assertThat(config.get("broker.id").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
    }

    private LogConfig logConfig() {
        return fixture.broker().replicaManager().partition(TP).orElseThrow().log().config();
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private static AlterConfigOp op(OpType type, String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), type);
    }

    private static void alter(Admin admin, ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get(30, SECONDS);
    }

    private static Config describe(Admin admin, ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get(30, SECONDS).get(resource);
    }

    private static AlterConfigsRequest.Builder legacyAlter(ConfigResource resource, Map<String, String> configs,
                                                           boolean validateOnly) {
        List<AlterConfigsRequest.ConfigEntry> entries = configs.entrySet().stream()
                .map(e -> new AlterConfigsRequest.ConfigEntry(e.getKey(), e.getValue())).toList();
        return new AlterConfigsRequest.Builder(Map.of(resource, new AlterConfigsRequest.Config(entries)), validateOnly);
    }

    private static List<Errors> errors(AlterConfigsResponse response) {
        return response.data().responses().stream().map(r -> Errors.forCode(r.errorCode())).toList();
    }
}
