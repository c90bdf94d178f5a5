package io.strata.platform.http;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TopicsV3Test extends HttpPlatformTestBase {

    private static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private TopicDescription describe(String topic) throws Exception {
        return kafkaAdmin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    }

    private Set<String> topicNames() throws Exception {
        return kafkaAdmin().listTopics().names().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aTopicCreatedOverHttpIsSeenByKafkaClientsWithItsPartitionsAndConfigs() throws Exception {
        String topic = uniqueTopic("created");
        var response = http().post(v3("/topics"), """
                {"topic_name": "%s", "partitions_count": 3, "replication_factor": 1,
                 "configs": [{"name": "cleanup.policy", "value": "compact"}, {"name": "retention.ms", "value": "123456"}]}
                """.formatted(topic));

        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        String self = http().base() + v3("/topics/" + topic);
        assertThat(response.header("Location")).isEqualTo(self);
        JsonNode body = response.json();
        assertThat(body.get("kind").asString()).isEqualTo("KafkaTopic");
        assertThat(body.at("/metadata/self").asString()).isEqualTo(self);
        assertThat(body.at("/metadata/resource_name").asString())
                .isEqualTo("crn:///kafka=" + clusterId() + "/topic=" + topic);
        assertThat(body.get("cluster_id").asString()).isEqualTo(clusterId());
        assertThat(body.get("topic_name").asString()).isEqualTo(topic);
        assertThat(body.get("partitions_count").asInt()).isEqualTo(3);
        assertThat(body.get("replication_factor").asInt()).isEqualTo(1);
        assertThat(body.get("is_internal").asBoolean()).isFalse();
        assertThat(body.at("/partitions/related").asString()).isEqualTo(self + "/partitions");
        assertThat(body.at("/configs/related").asString()).isEqualTo(self + "/configs");
        assertThat(body.at("/partition_reassignments/related").asString())
                .isEqualTo(self + "/partitions/-/reassignment");

        assertThat(describe(topic).partitions()).hasSize(3);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = kafkaAdmin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("retention.ms").value()).isEqualTo("123456");
    }

    @Test
    void withoutCountsTheBrokersDefaultsApply() throws Exception {
        String topic = uniqueTopic("defaults");
        var response = http().post(v3("/topics"), "{\"topic_name\": \"" + topic + "\"}");

        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        TopicDescription created = describe(topic);
        assertThat(response.json().get("partitions_count").asInt()).isEqualTo(created.partitions().size());
        assertThat(response.json().get("replication_factor").asInt())
                .isEqualTo(created.partitions().get(0).replicas().size());
    }

    @Test
    void explicitReplicaAssignmentsPlaceEachPartition() throws Exception {
        String topic = uniqueTopic("assigned");
        var response = http().post(v3("/topics"), """
                {"topic_name": "%s", "replicas_assignments": {"0": [0], "1": [0]}}
                """.formatted(topic));

        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        assertThat(response.json().get("partitions_count").asInt()).isEqualTo(2);
        assertThat(describe(topic).partitions()).allSatisfy(p -> assertThat(p.replicas()).extracting("id")
                .containsExactly(0));
    }

    @Test
    void validateOnlyAnswersTheTopicWithoutCreatingIt() throws Exception {
        String topic = uniqueTopic("dry-run");
        var response = http().post(v3("/topics"), """
                {"topic_name": "%s", "partitions_count": 4, "validate_only": true}
                """.formatted(topic));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("partitions_count").asInt()).isEqualTo(4);
        assertThat(topicNames()).doesNotContain(topic);
    }

    @Test
    void anExistingTopicIsABadRequest() {
        String topic = uniqueTopic("existing");
        createTopic(topic, 1);
        var response = http().post(v3("/topics"), "{\"topic_name\": \"" + topic + "\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(response.json().get("message").asString()).contains(topic);
    }

    @Test
    void anInvalidConfigOrPartitionCountIsRefusedWithTheBrokersMessageAndCreatesNothing() throws Exception {
        String badConfig = uniqueTopic("bad-config");
        var config = http().post(v3("/topics"), """
                {"topic_name": "%s", "configs": [{"name": "cleanup.policy", "value": "bogus"}]}
                """.formatted(badConfig));
        String zeroPartitions = uniqueTopic("zero-partitions");
        var partitions = http().post(v3("/topics"), """
                {"topic_name": "%s", "partitions_count": 0}
                """.formatted(zeroPartitions));

        assertThat(config.status()).as(config.toString()).isEqualTo(400);
        assertThat(config.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(config.json().get("message").asString()).contains("cleanup.policy");
        assertThat(partitions.status()).as(partitions.toString()).isEqualTo(400);
        assertThat(partitions.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(topicNames()).doesNotContain(badConfig, zeroPartitions);
    }

    @Test
    void negativeCountsAreRefusedInsteadOfMeaningTheBrokersDefault() throws Exception {
        String negativePartitions = uniqueTopic("negative-partitions");
        String negativeReplication = uniqueTopic("negative-replication");
        String tooManyReplicas = uniqueTopic("too-many-replicas");

        var partitions = http().post(v3("/topics"),
                "{\"topic_name\": \"" + negativePartitions + "\", \"partitions_count\": -1}");
        var replication = http().post(v3("/topics"),
                "{\"topic_name\": \"" + negativeReplication + "\", \"replication_factor\": -1}");
        var tooMany = http().post(v3("/topics"),
                "{\"topic_name\": \"" + tooManyReplicas + "\", \"replication_factor\": 5}");

        for (var response : List.of(partitions, replication, tooMany)) {
            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.json().get("error_code").asInt()).isEqualTo(40002);
        }
        assertThat(tooMany.json().get("message").asString()).containsIgnoringCase("replication factor");
        assertThat(topicNames()).doesNotContain(negativePartitions, negativeReplication, tooManyReplicas);
    }

    @Test
    void aCreateWithoutTopicNameOrWithMalformedJsonIsABadRequest() {
        var missing = http().post(v3("/topics"), "{\"partitions_count\": 1}");
        var malformed = http().post(v3("/topics"), "{\"topic_name\": ");

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("message").asString()).contains("topic_name");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().has("error_code")).isTrue();
    }

    @Test
    void theTopicListHasEveryTopicByName() {
        String first = uniqueTopic("list-a");
        String second = uniqueTopic("list-b");
        createTopic(first, 1);
        createTopic(second, 2);

        var response = http().get(v3("/topics"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("kind").asString()).isEqualTo("KafkaTopicList");
        assertThat(response.json().at("/metadata/self").asString()).isEqualTo(http().base() + v3("/topics"));
        List<String> names = new ArrayList<>();
        response.json().get("data").forEach(t -> names.add(t.get("topic_name").asString()));
        assertThat(names).contains(first, second).isSorted();
        response.json().get("data").forEach(t -> {
            if (t.get("topic_name").asString().equals(second)) {
                assertThat(t.get("partitions_count").asInt()).isEqualTo(2);
                assertThat(t.get("kind").asString()).isEqualTo("KafkaTopic");
            }
        });
    }

    @Test
    void getAnswersTheTopicAndAnUnknownTopicIsNotFound() {
        String topic = uniqueTopic("get");
        createTopic(topic, 2);

        var found = http().get(v3("/topics/" + topic));
        var missing = http().get(v3("/topics/no-such-topic-" + UUID.randomUUID()));

        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("topic_name").asString()).isEqualTo(topic);
        assertThat(found.json().get("partitions_count").asInt()).isEqualTo(2);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error_code").asInt()).isEqualTo(40403);
        assertThat(missing.json().get("message").asString()).isEqualTo("This server does not host this topic-partition.");
    }

    @Test
    void anotherClusterIdIsNotFound() {
        var response = http().get("/v3/clusters/not-this-cluster/topics");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(404);
    }

    @Test
    void patchAddsPartitionsAndAnswersTheTopic() throws Exception {
        String topic = uniqueTopic("grow");
        createTopic(topic, 1);

        var response = http().patch(v3("/topics/" + topic), "{\"partitions_count\": 3}");

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("kind").asString()).isEqualTo("KafkaTopic");
        assertThat(response.json().get("partitions_count").asInt()).isEqualTo(3);
        assertThat(describe(topic).partitions()).hasSize(3);
    }

    @Test
    void patchCannotDecreaseOrKeepThePartitionCountNorReachAnUnknownTopic() throws Exception {
        String topic = uniqueTopic("shrink");
        createTopic(topic, 2);

        var decrease = http().patch(v3("/topics/" + topic), "{\"partitions_count\": 1}");
        var same = http().patch(v3("/topics/" + topic), "{\"partitions_count\": 2}");
        var unknown = http().patch(v3("/topics/no-such-topic-" + UUID.randomUUID()), "{\"partitions_count\": 2}");
        var missing = http().patch(v3("/topics/" + topic), "{}");

        assertThat(decrease.status()).as(decrease.toString()).isEqualTo(400);
        assertThat(decrease.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(same.status()).as(same.toString()).isEqualTo(400);
        assertThat(same.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.json().get("error_code").asInt()).isEqualTo(40403);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(describe(topic).partitions()).hasSize(2);
    }

    @Test
    void deleteRemovesTheTopicAndAnUnknownOneIsNotFound() throws Exception {
        String topic = uniqueTopic("delete");
        createTopic(topic, 1);

        var deleted = http().delete(v3("/topics/" + topic));
        var again = http().delete(v3("/topics/no-such-topic-" + UUID.randomUUID()));

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(topicNames()).doesNotContain(topic));
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("error_code").asInt()).isEqualTo(40403);
    }
}
