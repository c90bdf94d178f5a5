package io.strata.engine.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.AlterConfigsResult;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Dynamic topic configs through IncrementalAlterConfigs (Admin) and the legacy AlterConfigs (raw requests). */
class AlterTopicConfigsTest extends StartedBrokerTestBase {

    @Test
    void aSetOverrideIsDescribedAsDynamicTopicConfig() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "set", 1, Map.of());

        alter(admin, "set", op(OpType.SET, "retention.ms", "3600000"));

        ConfigEntry retention = describe(admin, "set").get("retention.ms");
        assertThat(retention.value()).isEqualTo("3600000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(storedOverrides("set")).containsExactlyEntriesOf(Map.of("retention.ms", "3600000"));
    }

    @Test
    void deletingAnOverrideRestoresTheDefault() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "delete", 1, Map.of("retention.ms", "3600000", "segment.ms", "60000"));

        alter(admin, "delete", op(OpType.DELETE, "retention.ms", null));

        ConfigEntry retention = describe(admin, "delete").get("retention.ms");
        assertThat(retention.value()).isEqualTo("604800000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(storedOverrides("delete")).as("other overrides stay")
                .containsExactlyEntriesOf(Map.of("segment.ms", "60000"));
    }

    @Test
    void appendAndSubtractEditTheCleanupPolicyListStartingFromTheDefault() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "policy", 1, Map.of());

        alter(admin, "policy", op(OpType.APPEND, "cleanup.policy", "compact"));
        assertThat(describe(admin, "policy").get("cleanup.policy").value()).isEqualTo("delete,compact");
        alter(admin, "policy", op(OpType.APPEND, "cleanup.policy", "compact"));
        assertThat(describe(admin, "policy").get("cleanup.policy").value())
                .as("appending an item already listed changes nothing").isEqualTo("delete,compact");

        alter(admin, "policy", op(OpType.SUBTRACT, "cleanup.policy", "delete"));
        ConfigEntry policy = describe(admin, "policy").get("cleanup.policy");
        assertThat(policy.value()).isEqualTo("compact");
        assertThat(policy.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }

    @Test
    void appendToAConfigThatIsNotAListIsRefused() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "not-a-list", 1, Map.of());

        assertThatThrownBy(() -> alter(admin, "not-a-list", op(OpType.APPEND, "retention.ms", "1000")))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Can't APPEND to key retention.ms because its type is not LIST");
        assertThat(storedOverrides("not-a-list")).isEmpty();
    }

    @Test
    void invalidValuesAndUnknownNamesAreRefusedWithInvalidConfigAndNothingIsStored() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "strict", 1, Map.of("segment.ms", "60000"));

        assertThatThrownBy(() -> alter(admin, "strict", op(OpType.SET, "retention.ms", "soon")))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid value soon for configuration retention.ms");
        assertThatThrownBy(() -> alter(admin, "strict", op(OpType.SET, "no.such.config", "1")))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Unknown topic config name: no.such.config");
        assertThatThrownBy(() -> alter(admin, "strict",
                op(OpType.SET, "retention.bytes", "1048576"), op(OpType.SET, "min.insync.replicas", "0")))
                .as("one bad operation refuses the whole resource")
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("min.insync.replicas");

        assertThat(storedOverrides("strict")).containsExactlyEntriesOf(Map.of("segment.ms", "60000"));
        assertThat(describe(admin, "strict").get("retention.bytes").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void validateOnlyReportsTheOutcomeButChangesNothing() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "dry-run", 1, Map.of());
        AlterConfigsOptions validateOnly = new AlterConfigsOptions().validateOnly(true);

        admin.incrementalAlterConfigs(Map.of(topic("dry-run"), List.of(op(OpType.SET, "retention.ms", "1000"))),
                validateOnly).all().get(30, SECONDS);
        assertThatThrownBy(() -> admin.incrementalAlterConfigs(
                Map.of(topic("dry-run"), List.of(op(OpType.SET, "retention.ms", "never"))), validateOnly)
                .all().get(30, SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidConfigurationException.class);

        assertThat(storedOverrides("dry-run")).isEmpty();
        assertThat(describe(admin, "dry-run").get("retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void eachResourceIsAnsweredOnItsOwn() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "good", 1, Map.of());
        fixture.createTopic(admin, "repeated-key", 1, Map.of());
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");

        AlterConfigsResult result = admin.incrementalAlterConfigs(Map.of(
                topic("good"), List.of(op(OpType.SET, "retention.ms", "1000")),
                topic("missing"), List.of(op(OpType.SET, "retention.ms", "1000")),
                topic("repeated-key"), List.of(op(OpType.SET, "retention.ms", "1000"),
                        op(OpType.DELETE, "retention.ms", null)),
                broker, List.of(op(OpType.SET, "listeners", "PLAINTEXT://127.0.0.1:1"))));

        result.values().get(topic("good")).get(30, SECONDS);
        assertThatThrownBy(() -> result.values().get(topic("missing")).get(30, SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> result.values().get(topic("repeated-key")).get(30, SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidRequestException.class).hasMessageContaining("duplicate config keys");
        assertThatThrownBy(() -> result.values().get(broker).get(30, SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Cannot update these configs dynamically: Set(listeners)");
        assertThat(storedOverrides("good")).containsExactlyEntriesOf(Map.of("retention.ms", "1000"));
        assertThat(storedOverrides("repeated-key")).isEmpty();
    }

    @Test
    void incrementalAlterConfigsIsServedAtEveryVersion() throws Exception {
        fixture.createTopic(fixture.admin(), "versions", 1, Map.of());
        try (RawKafkaConnection connection = new RawKafkaConnection(fixture.bootstrapServers())) {
            for (short v = ApiKeys.INCREMENTAL_ALTER_CONFIGS.oldestVersion();
                 v <= ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion(); v++) {
                String retention = String.valueOf(1000 + v);
                IncrementalAlterConfigsResponse response = connection.send(new IncrementalAlterConfigsRequest.Builder(
                        Map.of(topic("versions"), List.of(op(OpType.SET, "retention.ms", retention))), false), v);
                assertThat(response.data().responses()).as("v%d", v).singleElement()
                        .satisfies(r -> assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NONE));
                assertThat(storedOverrides("versions")).as("v%d", v)
                        .containsExactlyEntriesOf(Map.of("retention.ms", retention));
            }
        }
    }

    @Test
    void aResourceNamedTwiceInOneRequestIsRefusedBothTimes() throws Exception {
        fixture.createTopic(fixture.admin(), "twice", 1, Map.of());
        IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData();
        for (String value : List.of("1000", "2000")) {
            IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                    new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                            .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("twice");
            resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                    .setName("retention.ms").setConfigOperation(OpType.SET.id()).setValue(value));
            data.resources().add(resource);
        }
        try (RawKafkaConnection connection = new RawKafkaConnection(fixture.bootstrapServers())) {
            IncrementalAlterConfigsResponse response = connection.send(new IncrementalAlterConfigsRequest.Builder(data),
                    ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion());
            assertThat(response.data().responses()).hasSize(2).allSatisfy(r -> {
                assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.INVALID_REQUEST);
                assertThat(r.errorMessage()).isEqualTo("Each resource must appear at most once.");
            });
        }
        assertThat(storedOverrides("twice")).isEmpty();
    }

    @Test
    void alterConfigsReplacesAllOverridesAtEveryVersion() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "replaced", 1, Map.of("retention.ms", "3600000", "segment.ms", "60000"));
        try (RawKafkaConnection connection = new RawKafkaConnection(fixture.bootstrapServers())) {
            for (short v = ApiKeys.ALTER_CONFIGS.oldestVersion(); v <= ApiKeys.ALTER_CONFIGS.latestVersion(); v++) {
                String maxBytes = String.valueOf(100_000 + v);
                AlterConfigsResponse response = connection.send(legacyAlter("replaced",
                        Map.of("max.message.bytes", maxBytes), false), v);
                assertThat(errors(response)).as("v%d", v).containsExactly(Errors.NONE);
                assertThat(storedOverrides("replaced")).as("v%d", v)
                        .containsExactlyEntriesOf(Map.of("max.message.bytes", maxBytes));
            }

            AlterConfigsResponse dryRun = connection.send(legacyAlter("replaced", Map.of("segment.ms", "1"), true),
                    ApiKeys.ALTER_CONFIGS.latestVersion());
            assertThat(errors(dryRun)).containsExactly(Errors.NONE);
            AlterConfigsResponse invalid = connection.send(legacyAlter("replaced", Map.of("segment.ms", "0"), false),
                    ApiKeys.ALTER_CONFIGS.latestVersion());
            assertThat(errors(invalid)).containsExactly(Errors.INVALID_CONFIG);
        }
        assertThat(storedOverrides("replaced")).as("neither validateOnly nor an invalid request changed anything")
                .containsExactlyEntriesOf(Map.of("max.message.bytes", String.valueOf(100_000
                        + ApiKeys.ALTER_CONFIGS.latestVersion())));
        ConfigEntry segmentMs = describe(admin, "replaced").get("segment.ms");
        assertThat(segmentMs.source()).as("dropped override").isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void anAlteredConfigSurvivesABrokerRestart() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "durable", 1, Map.of());
        alter(admin, "durable", op(OpType.SET, "max.message.bytes", "2048"));

        fixture.closeBroker();
        fixture.restart();

        ConfigEntry maxBytes = describe(admin, "durable").get("max.message.bytes");
        assertThat(maxBytes.value()).isEqualTo("2048");
        assertThat(maxBytes.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>("durable", 0, "k", "x".repeat(4096)))
                .get(30, SECONDS))
                .as("the restarted broker's log uses the altered config")
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
    }

    @Test
    void lowerMaxMessageBytesRefusesTheNextLargerBatchAndRaisingItAcceptsItAgainWithoutARestart() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "live", 1, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        String large = "x".repeat(8 * 1024);
        // One record per send: a producer splits a multi-record batch refused as too large and retries the halves.
        producer.send(new ProducerRecord<>("live", 0, "k", large)).get(30, SECONDS);

        alter(admin, "live", op(OpType.SET, "max.message.bytes", "4096"));
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>("live", 0, "k", large)).get(30, SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
        producer.send(new ProducerRecord<>("live", 0, "k", "small")).get(30, SECONDS);

        alter(admin, "live", op(OpType.SET, "max.message.bytes", "65536"));
        assertThat(producer.send(new ProducerRecord<>("live", 0, "k", large)).get(30, SECONDS).offset())
                .isEqualTo(2);
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private static AlterConfigOp op(OpType type, String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), type);
    }

    private static void alter(Admin admin, String topic, AlterConfigOp... ops) throws Exception {
        Map<ConfigResource, Collection<AlterConfigOp>> changes = Map.of(topic(topic), List.of(ops));
        admin.incrementalAlterConfigs(changes).all().get(30, SECONDS);
    }

    private static Config describe(Admin admin, String topic) throws Exception {
        return admin.describeConfigs(List.of(topic(topic))).all().get(30, SECONDS).get(topic(topic));
    }

    private Map<String, String> storedOverrides(String topic) {
        return fixture.metadataStore().topic(topic).orElseThrow().configs();
    }

    private static AlterConfigsRequest.Builder legacyAlter(String topic, Map<String, String> configs,
                                                           boolean validateOnly) {
        List<AlterConfigsRequest.ConfigEntry> entries = configs.entrySet().stream()
                .map(e -> new AlterConfigsRequest.ConfigEntry(e.getKey(), e.getValue())).toList();
        return new AlterConfigsRequest.Builder(Map.of(topic(topic), new AlterConfigsRequest.Config(entries)),
                validateOnly);
    }

    private static List<Errors> errors(AlterConfigsResponse response) {
        return response.data().responses().stream().map(r -> Errors.forCode(r.errorCode())).toList();
    }
}
