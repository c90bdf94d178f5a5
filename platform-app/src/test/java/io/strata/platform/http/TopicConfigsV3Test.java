package io.strata.platform.http;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TopicConfigsV3Test extends HttpPlatformTestBase {

    private String newTopic(String prefix) {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        createTopic(topic, 1);
        return topic;
    }

    private ConfigEntry kafkaConfig(String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = kafkaAdmin().describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get(30, TimeUnit.SECONDS).get(resource);
        return config.get(name);
    }

    private void setWithKafka(String topic, String name, String value) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        kafkaAdmin().incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
    }

    private JsonNode byName(JsonNode list, String name) {
        for (JsonNode config : list.get("data")) {
            if (config.get("name").asString().equals(name)) {
                return config;
            }
        }
        throw new AssertionError("No config " + name + " in " + list);
    }

    @Test
    void aTopicsConfigsSayWhereEachValueComesFrom() throws Exception {
        String topic = newTopic("configs");
        setWithKafka(topic, "cleanup.policy", "compact");

        var response = http().get(v3("/topics/" + topic + "/configs"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("kind").asString()).isEqualTo("KafkaTopicConfigList");
        assertThat(response.json().at("/metadata/self").asString())
                .isEqualTo(http().base() + v3("/topics/" + topic + "/configs"));
        JsonNode cleanup = byName(response.json(), "cleanup.policy");
        assertThat(cleanup.get("kind").asString()).isEqualTo("KafkaTopicConfig");
        assertThat(cleanup.at("/metadata/self").asString())
                .isEqualTo(http().base() + v3("/topics/" + topic + "/configs/cleanup.policy"));
        assertThat(cleanup.at("/metadata/resource_name").asString())
                .isEqualTo("crn:///kafka=" + clusterId() + "/topic=" + topic + "/config=cleanup.policy");
        assertThat(cleanup.get("cluster_id").asString()).isEqualTo(clusterId());
        assertThat(cleanup.get("topic_name").asString()).isEqualTo(topic);
        assertThat(cleanup.get("value").asString()).isEqualTo("compact");
        assertThat(cleanup.get("source").asString()).isEqualTo("DYNAMIC_TOPIC_CONFIG");
        assertThat(cleanup.get("is_default").asBoolean()).isFalse();
        assertThat(cleanup.get("is_read_only").asBoolean()).isFalse();
        assertThat(cleanup.get("is_sensitive").asBoolean()).isFalse();
        assertThat(cleanup.at("/synonyms/0/source").asString()).isEqualTo("DYNAMIC_TOPIC_CONFIG");
        assertThat(cleanup.at("/synonyms/0/value").asString()).isEqualTo("compact");

        ConfigEntry retention = kafkaConfig(topic, "retention.ms");
        JsonNode retentionOverHttp = byName(response.json(), "retention.ms");
        assertThat(retentionOverHttp.get("source").asString()).isEqualTo(retention.source().name());
        assertThat(retentionOverHttp.get("value").asString()).isEqualTo(retention.value());
        assertThat(retentionOverHttp.get("is_default").asBoolean()).isEqualTo(retention.isDefault());
        assertThat(retention.synonyms()).isNotEmpty();
        assertThat(retentionOverHttp.get("synonyms").size()).isEqualTo(retention.synonyms().size());
        assertThat(retentionOverHttp.at("/synonyms/0/name").asString()).isEqualTo(retention.synonyms().get(0).name());
        assertThat(retentionOverHttp.at("/synonyms/0/source").asString())
                .isEqualTo(retention.synonyms().get(0).source().name());
    }

    @Test
    void oneConfigCanBeReadSetAndReset() throws Exception {
        String topic = newTopic("one-config");
        String path = v3("/topics/" + topic + "/configs/retention.ms");

        var put = http().put(path, "{\"value\": \"3600000\"}");
        var afterPut = http().get(path);

        assertThat(put.status()).as(put.toString()).isEqualTo(204);
        assertThat(kafkaConfig(topic, "retention.ms").value()).isEqualTo("3600000");
        assertThat(afterPut.status()).isEqualTo(200);
        assertThat(afterPut.json().get("kind").asString()).isEqualTo("KafkaTopicConfig");
        assertThat(afterPut.json().get("value").asString()).isEqualTo("3600000");
        assertThat(afterPut.json().get("source").asString()).isEqualTo("DYNAMIC_TOPIC_CONFIG");

        var delete = http().delete(path);

        assertThat(delete.status()).as(delete.toString()).isEqualTo(204);
        ConfigEntry reset = kafkaConfig(topic, "retention.ms");
        assertThat(reset.source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(http().get(path).json().get("source").asString()).isEqualTo(reset.source().name());
    }

    @Test
    void invalidValuesAreRefusedWithTheBrokersMessageAndChangeNothing() throws Exception {
        String topic = newTopic("invalid-config");
        String before = kafkaConfig(topic, "retention.ms").value();

        var retention = http().put(v3("/topics/" + topic + "/configs/retention.ms"), "{\"value\": \"abc\"}");
        var cleanup = http().post(v3("/topics/" + topic + "/configs:alter"), """
                {"data": [{"name": "retention.ms", "value": "1000"}, {"name": "cleanup.policy", "value": "bogus"}]}
                """);

        assertThat(retention.status()).as(retention.toString()).isEqualTo(400);
        assertThat(retention.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(retention.json().get("message").asString()).contains("retention.ms");
        assertThat(cleanup.status()).as(cleanup.toString()).isEqualTo(400);
        assertThat(cleanup.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(cleanup.json().get("message").asString()).contains("cleanup.policy");
        assertThat(kafkaConfig(topic, "retention.ms").value()).isEqualTo(before);
    }

    @Test
    void aBatchSetsAndResetsConfigsTogether() throws Exception {
        String topic = newTopic("batch");
        setWithKafka(topic, "cleanup.policy", "compact");

        var response = http().post(v3("/topics/" + topic + "/configs:alter"), """
                {"data": [{"name": "cleanup.policy", "operation": "DELETE"},
                          {"name": "compression.type", "value": "gzip"},
                          {"name": "retention.ms", "value": "7200000", "operation": "SET"}]}
                """);

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(kafkaConfig(topic, "cleanup.policy").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(kafkaConfig(topic, "compression.type").value()).isEqualTo("gzip");
        assertThat(kafkaConfig(topic, "retention.ms").value()).isEqualTo("7200000");
    }

    @Test
    void aValidateOnlyBatchChangesNothing() throws Exception {
        String topic = newTopic("batch-dry-run");
        String before = kafkaConfig(topic, "compression.type").value();

        var valid = http().post(v3("/topics/" + topic + "/configs:alter"), """
                {"data": [{"name": "compression.type", "value": "%s"}], "validate_only": true}
                """.formatted(before.equals("gzip") ? "lz4" : "gzip"));
        var invalid = http().post(v3("/topics/" + topic + "/configs:alter"), """
                {"data": [{"name": "compression.type", "value": "bogus"}], "validate_only": true}
                """);

        assertThat(valid.status()).as(valid.toString()).isEqualTo(204);
        assertThat(invalid.status()).as(invalid.toString()).isEqualTo(400);
        assertThat(invalid.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(kafkaConfig(topic, "compression.type").value()).isEqualTo(before);
    }

    @Test
    void anUnknownOperationIsABadRequest() {
        String topic = newTopic("bad-operation");
        var response = http().post(v3("/topics/" + topic + "/configs:alter"), """
                {"data": [{"name": "retention.ms", "value": "1", "operation": "APPEND"}]}
                """);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("message").asString()).contains("APPEND");
    }

    @Test
    void unknownTopicsAndConfigsAreNotFound() {
        String topic = newTopic("unknown-config");
        String noTopic = "no-such-topic-" + UUID.randomUUID();

        var listUnknownTopic = http().get(v3("/topics/" + noTopic + "/configs"));
        var getUnknownTopic = http().get(v3("/topics/" + noTopic + "/configs/retention.ms"));
        var putUnknownTopic = http().put(v3("/topics/" + noTopic + "/configs/retention.ms"), "{\"value\": \"1\"}");
        var getUnknownConfig = http().get(v3("/topics/" + topic + "/configs/no.such.config"));
        var putUnknownConfig = http().put(v3("/topics/" + topic + "/configs/no.such.config"), "{\"value\": \"1\"}");

        for (var response : List.of(listUnknownTopic, getUnknownTopic, putUnknownTopic)) {
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.json().get("error_code").asInt()).isEqualTo(40403);
            assertThat(response.json().get("message").asString())
                    .isEqualTo("This server does not host this topic-partition.");
        }
        for (var response : List.of(getUnknownConfig, putUnknownConfig)) {
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.json().get("error_code").asInt()).isEqualTo(404);
            assertThat(response.json().get("message").asString()).contains("no.such.config");
        }
    }

    @Test
    void allTopicsConfigsListsEveryTopicsConfigs() throws Exception {
        String first = newTopic("all-configs-a");
        String second = newTopic("all-configs-b");
        setWithKafka(second, "cleanup.policy", "compact");

        var response = http().get(v3("/topics/-/configs"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("kind").asString()).isEqualTo("KafkaTopicConfigList");
        assertThat(response.json().at("/metadata/self").asString()).isEqualTo(http().base() + v3("/topics/-/configs"));
        List<String> cleanupOfSecond = new ArrayList<>();
        List<String> topics = new ArrayList<>();
        for (JsonNode config : response.json().get("data")) {
            topics.add(config.get("topic_name").asString());
            if (config.get("topic_name").asString().equals(second) && config.get("name").asString().equals("cleanup.policy")) {
                cleanupOfSecond.add(config.get("value").asString());
            }
        }
        assertThat(topics).contains(first, second);
        assertThat(cleanupOfSecond).containsExactly("compact");
    }
}
