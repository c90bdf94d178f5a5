package io.strata.platform.http;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerConfigsV3Test extends HttpPlatformTestBase {

    @Test
    void aBrokersConfigsAreListedWithTheirSourcesAndSynonymsAsKafkaReportsThem() throws Exception {
        ConfigEntry expected = describeBroker0().get("num.partitions");
        var response = http().get(v3("/brokers/0/configs"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("kind").asString()).isEqualTo("KafkaBrokerConfigList");
        JsonNode numPartitions = find(response.json().get("data"), "num.partitions");
        assertThat(numPartitions.get("kind").asString()).isEqualTo("KafkaBrokerConfig");
        assertThat(numPartitions.get("broker_id").asInt()).isZero();
        assertThat(numPartitions.get("value").asString()).isEqualTo(expected.value());
        assertThat(numPartitions.get("source").asString()).isEqualTo(expected.source().name());
        assertThat(numPartitions.get("is_read_only").asBoolean()).isEqualTo(expected.isReadOnly());
        assertThat(numPartitions.get("is_default").asBoolean()).isEqualTo(expected.isDefault());
        assertThat(numPartitions.at("/synonyms/0/source").asString())
                .isEqualTo(expected.synonyms().get(0).source().name());
        assertThat(numPartitions.at("/metadata/self").asString())
                .isEqualTo(http().base() + v3("/brokers/0/configs/num.partitions"));
        assertThat(numPartitions.at("/metadata/resource_name").asString())
                .isEqualTo("crn:///kafka=" + clusterId() + "/broker=0/config=num.partitions");
        assertThat(response.json().get("data").size()).isEqualTo(describeBroker0().entries().size());
    }

    @Test
    void theConfigsOfAllBrokersAreTheConfigsOfEachBroker() {
        JsonNode one = http().get(v3("/brokers/0/configs")).json().get("data");
        var all = http().get(v3("/brokers/-/configs"));
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().at("/metadata/self").asString()).isEqualTo(http().base() + v3("/brokers/-/configs"));
        List<String> brokerZero = new ArrayList<>();
        all.json().get("data").forEach(c -> {
            if (c.get("broker_id").asInt() == 0) {
                brokerZero.add(c.get("name").asString());
            }
        });
        List<String> names = new ArrayList<>();
        one.forEach(c -> names.add(c.get("name").asString()));
        assertThat(brokerZero).isEqualTo(names);
    }

    @Test
    void oneBrokerConfigIsServedAndUnknownNamesOrBrokersAreNotFound() throws Exception {
        var response = http().get(v3("/brokers/0/configs/log.dirs"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("value").asString()).isEqualTo(describeBroker0().get("log.dirs").value());

        assertNotFound(http().get(v3("/brokers/0/configs/no.such.config")));
        assertNotFound(http().get(v3("/brokers/4242/configs")));
        assertNotFound(http().get(v3("/brokers/4242/configs/log.dirs")));
        assertNotFound(http().put(v3("/brokers/0/configs/no.such.config"), "{\"value\":\"1\"}"));
    }

    @Test
    void theBrokerRefusesReadOnlyConfigChangesWithABadRequest() throws Exception {
        String before = describeBroker0().get("num.partitions").value();
        assertRefused(http().put(v3("/brokers/0/configs/num.partitions"), "{\"value\":\"7\"}"),
                "Cannot update these configs dynamically: Set(num.partitions)");
        assertRefused(http().post(v3("/brokers/0/configs:alter"),
                "{\"data\":[{\"name\":\"num.partitions\",\"value\":\"7\"},"
                        + "{\"name\":\"log.retention.ms\",\"value\":\"86400000\"}]}"),
                "Cannot update these configs dynamically");
        assertRefused(http().put(v3("/brokers/0/configs/log.retention.ms"), "{\"value\":\"soon\"}"),
                "Invalid value soon for configuration log.retention.ms");
        assertThat(describeBroker0().get("num.partitions").value()).isEqualTo(before);
        assertThat(describeBroker0().get("log.retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void aDynamicBrokerConfigIsSetDescribedAndResetThroughV3() throws Exception {
        try {
            assertThat(http().put(v3("/brokers/0/configs/log.retention.ms"), "{\"value\":\"86400000\"}").status())
                    .isEqualTo(204);
            JsonNode set = http().get(v3("/brokers/0/configs/log.retention.ms")).json();
            assertThat(set.get("value").asString()).isEqualTo("86400000");
            assertThat(set.get("source").asString()).isEqualTo("DYNAMIC_BROKER_CONFIG");
            assertThat(set.get("is_read_only").asBoolean()).isFalse();
            assertThat(set.at("/synonyms/0/source").asString()).isEqualTo("DYNAMIC_BROKER_CONFIG");
            assertThat(describeBroker0().get("log.retention.ms").value()).isEqualTo("86400000");

            var validateOnly = http().post(v3("/brokers/0/configs:alter"), "{\"validate_only\":true,\"data\":["
                    + "{\"name\":\"log.retention.ms\",\"operation\":\"DELETE\"}]}");
            assertThat(validateOnly.status()).as(validateOnly.toString()).isEqualTo(204);
            assertThat(describeBroker0().get("log.retention.ms").value()).as("validate_only").isEqualTo("86400000");

            assertThat(http().delete(v3("/brokers/0/configs/log.retention.ms")).status()).isEqualTo(204);
            JsonNode reset = http().get(v3("/brokers/0/configs/log.retention.ms")).json();
            assertThat(reset.get("source").asString()).isEqualTo("DEFAULT_CONFIG");
            assertThat(reset.get("value").asString()).isEqualTo("604800000");
        } finally {
            http().delete(v3("/brokers/0/configs/log.retention.ms"));
        }
    }

    @Test
    void aBadAlterBodyIsABadRequest() {
        var wrongOperation = http().post(v3("/brokers/0/configs:alter"),
                "{\"data\":[{\"name\":\"num.partitions\",\"operation\":\"TWIST\"}]}");
        assertThat(wrongOperation.status()).isEqualTo(400);
        assertThat(wrongOperation.json().get("message").asString()).contains("TWIST");
        assertThat(http().post(v3("/brokers/0/configs:alter"), "{\"data\": [").status()).isEqualTo(400);
        assertThat(http().post(v3("/brokers/0/configs:alter"), "{}").status()).isEqualTo(400);
        assertThat(http().post(v3("/brokers/0/configs:alter"), "{\"data\":[null]}").status()).isEqualTo(400);
        assertThat(http().post(v3("/broker-configs:alter"), "{\"data\":[null]}").status()).isEqualTo(400);
    }

    @Test
    void theClusterWideListHoldsExactlyTheDefaultsThatAreSet() throws Exception {
        try {
            assertThat(http().get(v3("/broker-configs")).json().get("data").size()).isZero();
            assertNotFound(http().get(v3("/broker-configs/compression.type")));

            assertThat(http().put(v3("/broker-configs/log.retention.ms"), "{\"value\":\"172800000\"}").status())
                    .isEqualTo(204);
            Config defaults = kafkaAdmin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "")))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            var response = http().get(v3("/broker-configs"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().get("kind").asString()).isEqualTo("KafkaClusterConfigList");
            assertThat(response.json().at("/metadata/self").asString()).isEqualTo(http().base() + v3("/broker-configs"));
            assertThat(response.json().get("data").size()).isEqualTo(defaults.entries().size()).isEqualTo(1);
            JsonNode retention = http().get(v3("/broker-configs/log.retention.ms")).json();
            assertThat(retention.get("value").asString()).isEqualTo("172800000");
            assertThat(retention.get("source").asString()).isEqualTo("DYNAMIC_DEFAULT_BROKER_CONFIG");
            ConfigEntry onBroker = describeBroker0().get("log.retention.ms");
            assertThat(onBroker.source()).as("broker 0 inherits it").isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);

            assertThat(http().delete(v3("/broker-configs/log.retention.ms")).status()).isEqualTo(204);
            assertThat(http().get(v3("/broker-configs")).json().get("data").size()).isZero();
        } finally {
            http().delete(v3("/broker-configs/log.retention.ms"));
        }
    }

    @Test
    void clusterWideChangesOfReadOnlyOrInvalidConfigsAreRefusedWithABadRequest() {
        assertRefused(http().put(v3("/broker-configs/compression.type"), "{\"value\":\"brotli\"}"),
                "compression.type");
        assertRefused(http().put(v3("/broker-configs/listeners"), "{\"value\":\"PLAINTEXT://:1\"}"),
                "Cannot update these configs dynamically");
        assertRefused(http().post(v3("/broker-configs:alter"),
                "{\"data\":[{\"name\":\"no.such.config\",\"value\":\"1\"}]}"), "no.such.config");
        assertThat(http().get(v3("/broker-configs")).json().get("data").size()).isZero();
    }

    @Test
    void configsOfAnUnknownClusterAreNotFound() {
        assertThat(http().get("/v3/clusters/elsewhere/broker-configs").status()).isEqualTo(404);
        assertThat(http().get("/v3/clusters/elsewhere/brokers/0/configs").status()).isEqualTo(404);
    }

    private Config describeBroker0() throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
        return kafkaAdmin().describeConfigs(List.of(broker), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get(30, TimeUnit.SECONDS).get(broker);
    }

    private static JsonNode find(JsonNode data, String name) {
        for (JsonNode config : data) {
            if (config.get("name").asString().equals(name)) {
                return config;
            }
        }
        throw new AssertionError("No config " + name + " in " + data);
    }

    private static void assertNotFound(HttpTestClient.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(404);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(404);
    }

    private static void assertRefused(HttpTestClient.Response response, String message) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(response.json().get("message").asString()).contains(message);
    }
}
