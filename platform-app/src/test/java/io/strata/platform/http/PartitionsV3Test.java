package io.strata.platform.http;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionsV3Test extends HttpPlatformTestBase {

    private String newTopic(String prefix, int partitions) {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        createTopic(topic, partitions);
        return topic;
    }

    private TopicPartitionInfo kafkaPartition(String topic, int partition) throws Exception {
        TopicDescription description = kafkaAdmin().describeTopics(List.of(topic)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(topic);
        return description.partitions().get(partition);
    }

    private void assertTopicOrPartitionNotFound(HttpTestClient.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(404);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(40403);
        assertThat(response.json().get("message").asString()).isEqualTo("This server does not host this topic-partition.");
    }

    @Test
    void aTopicsPartitionsLinkToTheirLeaderReplicasAndReassignment() throws Exception {
        String topic = newTopic("partitions", 3);

        var response = http().get(v3("/topics/" + topic + "/partitions"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("kind").asString()).isEqualTo("KafkaPartitionList");
        String topicUrl = http().base() + v3("/topics/" + topic);
        assertThat(response.json().at("/metadata/self").asString()).isEqualTo(topicUrl + "/partitions");
        List<Integer> ids = new ArrayList<>();
        for (JsonNode partition : response.json().get("data")) {
            int id = partition.get("partition_id").asInt();
            ids.add(id);
            String self = topicUrl + "/partitions/" + id;
            assertThat(partition.get("kind").asString()).isEqualTo("KafkaPartition");
            assertThat(partition.at("/metadata/self").asString()).isEqualTo(self);
            assertThat(partition.at("/metadata/resource_name").asString())
                    .isEqualTo("crn:///kafka=" + clusterId() + "/topic=" + topic + "/partition=" + id);
            assertThat(partition.get("cluster_id").asString()).isEqualTo(clusterId());
            assertThat(partition.get("topic_name").asString()).isEqualTo(topic);
            assertThat(partition.at("/leader/related").asString())
                    .isEqualTo(self + "/replicas/" + kafkaPartition(topic, id).leader().id());
            assertThat(partition.at("/replicas/related").asString()).isEqualTo(self + "/replicas");
            assertThat(partition.at("/reassignment/related").asString()).isEqualTo(self + "/reassignment");
        }
        assertThat(ids).containsExactly(0, 1, 2);
    }

    @Test
    void onePartitionIsFoundAndUnknownOnesAreNot() {
        String topic = newTopic("one-partition", 2);

        var found = http().get(v3("/topics/" + topic + "/partitions/1"));

        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("partition_id").asInt()).isEqualTo(1);
        assertTopicOrPartitionNotFound(http().get(v3("/topics/" + topic + "/partitions/2")));
        assertTopicOrPartitionNotFound(http().get(v3("/topics/" + topic + "/partitions/-1")));
        assertTopicOrPartitionNotFound(http().get(v3("/topics/no-such-topic-" + UUID.randomUUID() + "/partitions")));
        assertThat(http().get(v3("/topics/" + topic + "/partitions/abc")).status()).isEqualTo(400);
    }

    @Test
    void offsetsAreTheEarliestAndLatestOfThePartition() {
        String topic = newTopic("offsets", 2);
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 1, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }

        var produced = http().get(v3("/topics/" + topic + "/partitions/1/offset"));
        var empty = http().get(v3("/topics/" + topic + "/partitions/0/offset?offset_type=latest"));

        assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
        assertThat(produced.json().get("kind").asString()).isEqualTo("KafkaPartitionWithOffsets");
        assertThat(produced.json().at("/metadata/self").asString())
                .isEqualTo(http().base() + v3("/topics/" + topic + "/partitions/1/offset"));
        assertThat(produced.json().at("/metadata/resource_name").asString())
                .isEqualTo("crn:///kafka=" + clusterId() + "/topic=" + topic + "/partition=1/offset");
        assertThat(produced.json().get("earliest_offset").asLong()).isEqualTo(0);
        assertThat(produced.json().get("latest_offset").asLong()).isEqualTo(5);
        assertThat(empty.json().get("earliest_offset").asLong()).isEqualTo(0);
        assertThat(empty.json().get("latest_offset").asLong()).isEqualTo(0);
        assertTopicOrPartitionNotFound(http().get(v3("/topics/" + topic + "/partitions/7/offset")));
        assertThat(http().get(v3("/topics/" + topic + "/partitions/0/offset?offset_type=middle")).status())
                .isEqualTo(400);
    }

    @Test
    void replicasSayWhichLeadsAndWhichAreInSync() throws Exception {
        String topic = newTopic("replicas", 1);
        TopicPartitionInfo partition = kafkaPartition(topic, 0);
        int broker = partition.replicas().get(0).id();
        String replicasPath = v3("/topics/" + topic + "/partitions/0/replicas");

        var list = http().get(replicasPath);
        var one = http().get(replicasPath + "/" + broker);
        var absent = http().get(replicasPath + "/" + (broker + 1000));

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("kind").asString()).isEqualTo("KafkaReplicaList");
        assertThat(list.json().get("data").size()).isEqualTo(partition.replicas().size());
        JsonNode replica = one.json();
        assertThat(one.status()).isEqualTo(200);
        assertThat(replica.get("kind").asString()).isEqualTo("KafkaReplica");
        assertThat(replica.at("/metadata/self").asString()).isEqualTo(http().base() + replicasPath + "/" + broker);
        assertThat(replica.at("/metadata/resource_name").asString()).isEqualTo("crn:///kafka=" + clusterId()
                + "/topic=" + topic + "/partition=0/replica=" + broker);
        assertThat(replica.get("broker_id").asInt()).isEqualTo(broker);
        assertThat(replica.get("is_leader").asBoolean()).isEqualTo(partition.leader().id() == broker);
        assertThat(replica.get("is_in_sync").asBoolean())
                .isEqualTo(partition.isr().stream().anyMatch(n -> n.id() == broker));
        assertThat(replica.at("/broker/related").asString()).isEqualTo(http().base() + v3("/brokers/" + broker));
        assertThat(absent.status()).isEqualTo(404);
        assertTopicOrPartitionNotFound(http().get(v3("/topics/" + topic + "/partitions/3/replicas")));
    }

    @Test
    void aBrokersReplicasIncludeEveryPartitionItHolds() throws Exception {
        String topic = newTopic("broker-replicas", 2);
        int broker = kafkaPartition(topic, 0).replicas().get(0).id();

        var response = http().get(v3("/brokers/" + broker + "/partition-replicas"));
        var unknown = http().get(v3("/brokers/" + (broker + 1000) + "/partition-replicas"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("kind").asString()).isEqualTo("KafkaReplicaList");
        assertThat(response.json().at("/metadata/self").asString())
                .isEqualTo(http().base() + v3("/brokers/" + broker + "/partition-replicas"));
        List<Integer> partitionsOfTopic = new ArrayList<>();
        for (JsonNode replica : response.json().get("data")) {
            assertThat(replica.get("broker_id").asInt()).isEqualTo(broker);
            if (replica.get("topic_name").asString().equals(topic)) {
                partitionsOfTopic.add(replica.get("partition_id").asInt());
            }
        }
        assertThat(partitionsOfTopic).containsExactlyInAnyOrder(0, 1);
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void noReassignmentIsInProgressWhileTheClusterDoesNotServeReassignment() {
        String topic = newTopic("reassignment", 1);

        var all = http().get(v3("/topics/-/partitions/-/reassignment"));
        var byTopic = http().get(v3("/topics/" + topic + "/partitions/-/reassignment"));
        var onePartition = http().get(v3("/topics/" + topic + "/partitions/0/reassignment"));

        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        assertThat(all.json().get("kind").asString()).isEqualTo("KafkaReassignmentList");
        assertThat(all.json().at("/metadata/self").asString())
                .isEqualTo(http().base() + v3("/topics/-/partitions/-/reassignment"));
        assertThat(all.json().get("data").size()).isZero();
        assertThat(byTopic.status()).as(byTopic.toString()).isEqualTo(200);
        assertThat(byTopic.json().get("kind").asString()).isEqualTo("KafkaReassignmentList");
        assertThat(byTopic.json().get("data").size()).isZero();
        assertThat(onePartition.status()).isEqualTo(404);
        assertThat(onePartition.json().get("error_code").asInt()).isEqualTo(404);
        assertTopicOrPartitionNotFound(http().get(v3("/topics/no-such-topic-" + UUID.randomUUID()
                + "/partitions/-/reassignment")));
        assertTopicOrPartitionNotFound(http().get(v3("/topics/" + topic + "/partitions/5/reassignment")));
    }

    @Test
    void startingAReassignmentIsRefusedClearlyUntilTheClusterServesIt() {
        String topic = newTopic("reassign-start", 1);

        var response = http().post(v3("/topics/" + topic + "/partitions/0/reassignment"), "{\"replicas\": [0]}");
        var noReplicas = http().post(v3("/topics/" + topic + "/partitions/0/reassignment"), "{\"replicas\": []}");

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(response.json().get("message").asString())
                .isEqualTo("partition reassignment is not supported by this cluster yet");
        assertThat(noReplicas.status()).isEqualTo(400);
    }
}
