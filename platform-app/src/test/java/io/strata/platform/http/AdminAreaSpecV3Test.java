package io.strata.platform.http;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The published spec documents every broker, config, consumer group and ACL operation with its errors. */
class AdminAreaSpecV3Test extends HttpPlatformTestBase {

    @Test
    void everyBrokerConfigGroupAndAclOperationIsDocumentedWithItsErrors() {
        var response = http().get("/v3/api-docs");
        assertThat(response.status()).isEqualTo(200);
        Map<String, JsonNode> operations = new HashMap<>();
        response.json().get("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(op -> operations.put(op.getValue().get("operationId").asString(), op.getValue())));
        for (String id : new String[] {"listKafkaBrokers", "getKafkaBroker", "listKafkaAllBrokersConfigs",
                "listKafkaBrokerConfigs", "updateKafkaBrokerConfigBatch", "getKafkaBrokerConfig",
                "updateKafkaBrokerConfig", "deleteKafkaBrokerConfig", "listKafkaClusterConfigs",
                "updateKafkaClusterConfigs", "getKafkaClusterConfig", "updateKafkaClusterConfig",
                "deleteKafkaClusterConfig", "listKafkaConsumerGroups", "getKafkaConsumerGroup",
                "deleteKafkaConsumerGroup", "listKafkaConsumers", "getKafkaConsumer", "listKafkaConsumerAssignment",
                "getKafkaConsumerAssignment", "listKafkaConsumerLags", "getKafkaConsumerLag",
                "getKafkaConsumerGroupLagSummary", "resetKafkaConsumerGroupOffsets", "getKafkaAcls",
                "createKafkaAcls", "batchCreateKafkaAcls", "deleteKafkaAcls"}) {
            JsonNode operation = operations.get(id);
            assertThat(operation).as(id).isNotNull();
            assertThat(operation.get("description").asString()).as(id).isNotBlank();
            assertThat(operation.at("/responses/400")).as(id).isNotNull();
            assertThat(operation.at("/responses/404").isMissingNode()).as(id + " documents 404").isFalse();
            operation.get("responses").properties().forEach(answer -> {
                if (answer.getKey().equals("200")) {
                    assertThat(answer.getValue().at("/content/application~1json/schema").isObject())
                            .as(id + " documents its 200 body").isTrue();
                }
            });
        }
        JsonNode schemas = response.json().at("/components/schemas");
        assertThat(schemas.at("/ConsumerLagData/required").valueStream().map(JsonNode::asString))
                .contains("current_offset", "log_end_offset", "lag", "consumer_id", "client_id");
        assertThat(schemas.at("/AclOperation/enum").valueStream().map(JsonNode::asString)).contains("DESCRIBE_CONFIGS");
    }
}
