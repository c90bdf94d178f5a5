package io.strata.platform.http;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConsumerGroupsV3Test extends HttpPlatformTestBase {
    /** Records produced to partitions 0, 1 and 2, and the offsets the group commits on them. */
    private static final int[] PRODUCED = {5, 8, 3};
    private static final long[] COMMITTED = {2, 1, 3};

    @Test
    void aGroupWithAConsumerShowsItsStateMembersAssignmentsAndLags() throws Exception {
        String topic = unique("lagging");
        String group = unique("group");
        produce(topic);
        try (KafkaConsumer<byte[], byte[]> consumer = joinAndCommit(group, topic, "lag-client")) {
            ConsumerGroupDescription described = describe(group);
            MemberDescription member = described.members().iterator().next();

            var groupResponse = http().get(v3("/consumer-groups/" + group));
            assertThat(groupResponse.status()).isEqualTo(200);
            JsonNode data = groupResponse.json();
            assertThat(data.get("kind").asString()).isEqualTo("KafkaConsumerGroup");
            assertThat(data.get("consumer_group_id").asString()).isEqualTo(group);
            assertThat(data.get("state").asString()).isEqualTo(described.groupState().name());
            assertThat(data.get("type").asString()).isEqualTo("CLASSIC");
            assertThat(data.get("is_simple").asBoolean()).isFalse();
            assertThat(data.get("is_mixed_consumer_group").asBoolean()).isFalse();
            assertThat(data.get("partition_assignor").asString()).isEqualTo(described.partitionAssignor());
            String groupUrl = http().base() + v3("/consumer-groups/" + group);
            assertThat(data.at("/metadata/self").asString()).isEqualTo(groupUrl);
            assertThat(data.at("/coordinator/related").asString())
                    .isEqualTo(http().base() + v3("/brokers/" + described.coordinator().id()));
            assertThat(data.at("/consumers/related").asString()).isEqualTo(groupUrl + "/consumers");
            assertThat(data.at("/lag_summary/related").asString()).isEqualTo(groupUrl + "/lag-summary");

            JsonNode listed = http().get(v3("/consumer-groups")).json();
            assertThat(listed.get("kind").asString()).isEqualTo("KafkaConsumerGroupList");
            assertThat(listed.get("data").valueStream().map(g -> g.get("consumer_group_id").asString()))
                    .contains(group);

            JsonNode consumers = http().get(v3("/consumer-groups/" + group + "/consumers")).json();
            assertThat(consumers.get("kind").asString()).isEqualTo("KafkaConsumerList");
            assertThat(consumers.get("data").size()).isEqualTo(1);
            JsonNode consumerData = consumers.get("data").get(0);
            assertThat(consumerData.get("consumer_id").asString()).isEqualTo(member.consumerId());
            assertThat(consumerData.get("client_id").asString()).isEqualTo("lag-client");
            String consumerPath = "/consumer-groups/" + group + "/consumers/" + member.consumerId();
            assertThat(consumerData.at("/assignments/related").asString())
                    .isEqualTo(http().base() + v3(consumerPath + "/assignments"));
            assertThat(http().get(v3(consumerPath)).json().get("client_id").asString()).isEqualTo("lag-client");

            JsonNode assignments = http().get(v3(consumerPath + "/assignments")).json();
            assertThat(assignments.get("kind").asString()).isEqualTo("KafkaConsumerAssignmentList");
            assertThat(assignments.get("data").valueStream().map(a -> a.get("partition_id").asInt()))
                    .containsExactly(0, 1, 2);
            JsonNode assignment = http().get(v3(consumerPath + "/assignments/" + topic + "/partitions/1")).json();
            assertThat(assignment.get("kind").asString()).isEqualTo("KafkaConsumerAssignment");
            assertThat(assignment.at("/partition/related").asString())
                    .isEqualTo(http().base() + v3("/topics/" + topic + "/partitions/1"));
            assertThat(assignment.at("/lag/related").asString())
                    .isEqualTo(groupUrl + "/lags/" + topic + "/partitions/1");
            assertThat(http().get(v3(consumerPath + "/assignments/" + topic + "/partitions/7")).status()).isEqualTo(404);
            assertThat(http().get(v3("/consumer-groups/" + group + "/consumers/nobody")).status()).isEqualTo(404);

            JsonNode lags = http().get(v3("/consumer-groups/" + group + "/lags")).json();
            assertThat(lags.get("kind").asString()).isEqualTo("KafkaConsumerLagList");
            assertThat(lags.get("data").size()).isEqualTo(3);
            for (int p = 0; p < 3; p++) {
                JsonNode lag = lags.get("data").get(p);
                assertThat(lag.get("kind").asString()).isEqualTo("KafkaConsumerLag");
                assertThat(lag.get("partition_id").asInt()).isEqualTo(p);
                assertThat(lag.get("current_offset").asLong()).isEqualTo(COMMITTED[p]);
                assertThat(lag.get("log_end_offset").asLong()).isEqualTo(PRODUCED[p]);
                assertThat(lag.get("lag").asLong()).isEqualTo(PRODUCED[p] - COMMITTED[p]);
                assertThat(lag.get("consumer_id").asString()).isEqualTo(member.consumerId());
                assertThat(lag.get("client_id").asString()).isEqualTo("lag-client");
            }
            JsonNode one = http().get(v3("/consumer-groups/" + group + "/lags/" + topic + "/partitions/1")).json();
            assertThat(one.get("lag").asLong()).isEqualTo(PRODUCED[1] - COMMITTED[1]);
            assertThat(one.at("/metadata/self").asString()).isEqualTo(groupUrl + "/lags/" + topic + "/partitions/1");

            JsonNode summary = http().get(v3("/consumer-groups/" + group + "/lag-summary")).json();
            assertThat(summary.get("kind").asString()).isEqualTo("KafkaConsumerGroupLagSummary");
            assertThat(summary.get("max_lag").asLong()).isEqualTo(PRODUCED[1] - COMMITTED[1]);
            assertThat(summary.get("max_lag_partition_id").asInt()).isEqualTo(1);
            assertThat(summary.get("max_lag_topic_name").asString()).isEqualTo(topic);
            assertThat(summary.get("max_lag_consumer_id").asString()).isEqualTo(member.consumerId());
            assertThat(summary.get("max_lag_client_id").asString()).isEqualTo("lag-client");
            long total = 0;
            for (int p = 0; p < 3; p++) {
                total += PRODUCED[p] - COMMITTED[p];
            }
            assertThat(summary.get("total_lag").asLong()).isEqualTo(total);
            assertThat(summary.at("/max_lag_partition/related").asString())
                    .isEqualTo(http().base() + v3("/topics/" + topic + "/partitions/1"));
            assertThat(consumer.assignment()).hasSize(3);
        }
    }

    @Test
    void offsetsCannotBeResetNorTheGroupDeletedWhileItHasMembers() throws Exception {
        String topic = unique("busy");
        String group = unique("busy-group");
        produce(topic);
        try (KafkaConsumer<byte[], byte[]> consumer = joinAndCommit(group, topic, "busy-client")) {
            var reset = http().post(v3("/consumer-groups/" + group + "/offsets:reset"),
                    "{\"strategy\":\"EARLIEST\",\"topics\":[{\"topic_name\":\"" + topic + "\"}]}");
            assertThat(reset.status()).as(reset.toString()).isEqualTo(409);
            assertThat(reset.json().get("message").asString()).contains(group);

            var delete = http().delete(v3("/consumer-groups/" + group));
            assertThat(delete.status()).as(delete.toString()).isEqualTo(400);
            assertThat(delete.json().get("error_code").asInt()).isEqualTo(40002);
            assertThat(delete.json().get("message").asString()).isNotBlank();
            assertThat(committed(group)).containsEntry(new TopicPartition(topic, 0), COMMITTED[0]);
            assertThat(consumer.assignment()).hasSize(3);
        }
    }

    @Test
    void aDryRunAnswersTheNewOffsetsAndCommitsNothing() throws Exception {
        String topic = unique("dry");
        String group = unique("dry-group");
        produce(topic);
        joinAndCommit(group, topic, "dry-client").close();
        awaitEmpty(group);
        Map<TopicPartition, Long> before = committed(group);

        var response = http().post(v3("/consumer-groups/" + group + "/offsets:reset"),
                "{\"strategy\":\"EARLIEST\",\"dry_run\":true}");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("kind").asString()).isEqualTo("KafkaConsumerGroupOffsetReset");
        assertThat(body.get("dry_run").asBoolean()).isTrue();
        assertThat(body.get("data").size()).isEqualTo(3);
        for (int p = 0; p < 3; p++) {
            JsonNode partition = body.get("data").get(p);
            assertThat(partition.get("partition_id").asInt()).isEqualTo(p);
            assertThat(partition.get("previous_offset").asLong()).isEqualTo(COMMITTED[p]);
            assertThat(partition.get("new_offset").asLong()).isZero();
        }
        assertThat(committed(group)).isEqualTo(before);
    }

    @Test
    void aResetIsSeenByKafkaClientsForEveryStrategy() throws Exception {
        String topic = unique("reset");
        String group = unique("reset-group");
        produce(topic);
        joinAndCommit(group, topic, "reset-client").close();
        awaitEmpty(group);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        TopicPartition p2 = new TopicPartition(topic, 2);

        reset(group, "{\"strategy\":\"SHIFT_BY\",\"shift_by\":-2}");
        assertThat(committed(group)).containsEntry(p0, 0L).containsEntry(p1, 0L).containsEntry(p2, 1L);

        reset(group, "{\"strategy\":\"LATEST\",\"topics\":[{\"topic_name\":\"" + topic + "\",\"partitions\":[1]}]}");
        assertThat(committed(group)).containsEntry(p0, 0L).containsEntry(p1, (long) PRODUCED[1]);

        JsonNode clamped = reset(group, "{\"strategy\":\"OFFSET\",\"offset\":100}");
        assertThat(clamped.get("data").get(0).get("new_offset").asLong()).isEqualTo(PRODUCED[0]);
        assertThat(committed(group)).containsEntry(p0, (long) PRODUCED[0]).containsEntry(p2, (long) PRODUCED[2]);

        reset(group, "{\"strategy\":\"TIMESTAMP\",\"timestamp\":0}");
        assertThat(committed(group)).containsEntry(p0, 0L).containsEntry(p1, 0L).containsEntry(p2, 0L);

        reset(group, "{\"strategy\":\"TIMESTAMP\",\"timestamp\":" + (System.currentTimeMillis() + 3_600_000) + "}");
        assertThat(committed(group)).containsEntry(p0, (long) PRODUCED[0]).containsEntry(p1, (long) PRODUCED[1]);
    }

    @Test
    void badResetRequestsAreRefused() throws Exception {
        String topic = unique("bad-reset");
        String group = unique("bad-reset-group");
        produce(topic);
        String path = v3("/consumer-groups/" + group + "/offsets:reset");

        var noOffsets = http().post(path, "{\"strategy\":\"EARLIEST\"}");
        assertThat(noOffsets.status()).as("a new group without topics has nothing to reset").isEqualTo(400);
        var unknownStrategy = http().post(path, "{\"strategy\":\"SIDEWAYS\",\"topics\":[{\"topic_name\":\"" + topic + "\"}]}");
        assertThat(unknownStrategy.status()).isEqualTo(400);
        assertThat(unknownStrategy.json().get("message").asString()).contains("SIDEWAYS");
        assertThat(http().post(path, "{\"strategy\":\"OFFSET\",\"topics\":[{\"topic_name\":\"" + topic + "\"}]}")
                .status()).isEqualTo(400);
        var unknownTopic = http().post(path, "{\"strategy\":\"EARLIEST\",\"topics\":[{\"topic_name\":\"no-such-topic-"
                + System.nanoTime() + "\"}]}");
        assertThat(unknownTopic.status()).isEqualTo(404);
        assertThat(unknownTopic.json().get("error_code").asInt()).isEqualTo(40403);
        var unknownPartition = http().post(path, "{\"strategy\":\"EARLIEST\",\"topics\":[{\"topic_name\":\"" + topic
                + "\",\"partitions\":[9]}]}");
        assertThat(unknownPartition.status()).isEqualTo(404);
        assertThat(unknownPartition.json().get("error_code").asInt()).isEqualTo(40403);
        assertThat(http().post(path, "{\"strategy\":").status()).isEqualTo(400);
        assertThat(http().post(path, "{\"strategy\":\"EARLIEST\",\"topics\":[{\"topic_name\":\"" + topic
                + "\",\"partitions\":[null]}]}").status()).isEqualTo(400);
        assertThat(http().post(path, "{\"strategy\":\"EARLIEST\",\"topics\":[null]}").status()).isEqualTo(400);

        var newGroup = http().post(path, "{\"strategy\":\"LATEST\",\"topics\":[{\"topic_name\":\"" + topic + "\"}]}");
        assertThat(newGroup.status()).as("a group may be given offsets before it first runs").isEqualTo(200);
        assertThat(committed(group)).containsEntry(new TopicPartition(topic, 1), (long) PRODUCED[1]);
    }

    @Test
    void anEmptyGroupIsDeletedWithItsOffsets() throws Exception {
        String topic = unique("deleted");
        String group = unique("deleted-group");
        produce(topic);
        joinAndCommit(group, topic, "delete-client").close();
        awaitEmpty(group);

        var response = http().delete(v3("/consumer-groups/" + group));
        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(committed(group)).isEmpty();
        assertThat(http().get(v3("/consumer-groups/" + group)).status()).isEqualTo(404);
        assertThat(http().delete(v3("/consumer-groups/" + group)).status()).isEqualTo(404);
    }

    @Test
    void anUnknownGroupIsNotFound() {
        String group = unique("never-seen");
        for (String path : List.of("", "/consumers", "/consumers/someone", "/consumers/someone/assignments",
                "/lags", "/lags/t/partitions/0", "/lag-summary")) {
            var response = http().get(v3("/consumer-groups/" + group + path));
            assertThat(response.status()).as(path + ": " + response).isEqualTo(404);
            assertThat(response.json().get("error_code").asInt()).isEqualTo(404);
        }
        assertThat(http().get(v3("/consumer-groups")).json().get("data").valueStream()
                .map(g -> g.get("consumer_group_id").asString())).doesNotContain(group);
        assertThat(http().get("/v3/clusters/elsewhere/consumer-groups").status()).isEqualTo(404);
    }

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    private void produce(String topic) throws Exception {
        createTopic(topic, 3);
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int p = 0; p < PRODUCED.length; p++) {
                for (int i = 0; i < PRODUCED[p]; i++) {
                    producer.send(new ProducerRecord<>(topic, p, null, ("r" + i).getBytes())).get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** A consumer in {@code group} owning all of {@code topic}, having committed {@link #COMMITTED}; still a member. */
    private KafkaConsumer<byte[], byte[]> joinAndCommit(String group, String topic, String clientId) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(200));
            return consumer.assignment().size() == 3;
        });
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int p = 0; p < COMMITTED.length; p++) {
            offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(COMMITTED[p]));
        }
        consumer.commitSync(offsets);
        return consumer;
    }

    private JsonNode reset(String group, String body) {
        var response = http().post(v3("/consumer-groups/" + group + "/offsets:reset"), body);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("dry_run").asBoolean()).isFalse();
        return response.json();
    }

    private ConsumerGroupDescription describe(String group) throws Exception {
        return kafkaAdmin().describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
    }

    private void awaitEmpty(String group) {
        await().atMost(Duration.ofSeconds(30)).until(() -> describe(group).groupState() == GroupState.EMPTY);
    }

    private Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        kafkaAdmin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((tp, o) -> {
                    if (o != null) {
                        offsets.put(tp, o.offset());
                    }
                });
        return offsets;
    }
}
