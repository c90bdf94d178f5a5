package io.strata.platform.http;

import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Strata's v3 extensions built on the log lifecycle: sizes on disk (DescribeLogDirs) and DeleteRecords. */
class LogDirsAndDeleteRecordsV3Test extends HttpPlatformTestBase {

    private String newTopic(String prefix, int partitions) {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        createTopic(topic, partitions);
        return topic;
    }

    private void produce(String topic, int partition, int records) throws Exception {
        KafkaProducer<byte[], byte[]> producer = kafkaProducer();
        for (int i = 0; i < records; i++) {
            producer.send(new ProducerRecord<>(topic, partition, null, ("value-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    /** The size the broker reports for the partition's replica, through kafka-clients. */
    private long reportedSize(String topic, int partition) throws Exception {
        Map<Integer, Map<String, LogDirDescription>> dirs = kafkaAdmin().describeLogDirs(List.of(0))
                .allDescriptions().get(30, TimeUnit.SECONDS);
        return dirs.get(0).values().iterator().next().replicaInfos().get(new TopicPartition(topic, partition)).size();
    }

    private long earliest(String topic, int partition) throws Exception {
        TopicPartition tp = new TopicPartition(topic, partition);
        return kafkaAdmin().listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)
                .get(30, TimeUnit.SECONDS).offset();
    }

    @Test
    void topicsPartitionsAndReplicasReportTheirSizeOnDisk() throws Exception {
        String topic = newTopic("sizes", 2);
        produce(topic, 0, 50);
        produce(topic, 1, 5);
        long size0 = reportedSize(topic, 0);
        long size1 = reportedSize(topic, 1);
        assertThat(size0).isGreaterThan(size1).isPositive();

        JsonNode partition = http().get(v3("/topics/" + topic + "/partitions/0")).json();
        JsonNode partitions = http().get(v3("/topics/" + topic + "/partitions")).json().get("data");
        JsonNode replica = http().get(v3("/topics/" + topic + "/partitions/1/replicas/0")).json();
        JsonNode single = http().get(v3("/topics/" + topic)).json();
        JsonNode listed = null;
        for (JsonNode t : http().get(v3("/topics")).json().get("data")) {
            if (t.get("topic_name").asString().equals(topic)) {
                listed = t;
            }
        }

        assertThat(partition.get("size_bytes").asLong()).isEqualTo(size0);
        assertThat(partitions.get(1).get("size_bytes").asLong()).isEqualTo(size1);
        assertThat(replica.get("size_bytes").asLong()).isEqualTo(size1);
        assertThat(single.get("size_bytes").asLong()).isEqualTo(size0 + size1);
        assertThat(listed).isNotNull();
        assertThat(listed.get("size_bytes").asLong()).isEqualTo(size0 + size1);
    }

    @Test
    void deletingRecordsMovesEachPartitionsEarliestOffset() throws Exception {
        String topic = newTopic("delete-records", 2);
        produce(topic, 0, 10);
        produce(topic, 1, 4);

        var response = http().post(v3("/topics/" + topic + "/records:delete"), """
                {"partitions": [{"partition_id": 0, "before_offset": 6}, {"partition_id": 1, "before_offset": -1}]}
                """);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("kind").asString()).isEqualTo("KafkaDeleteRecordsResultList");
        JsonNode data = response.json().get("data");
        assertThat(data.get(0).get("partition_id").asInt()).isZero();
        assertThat(data.get(0).get("error_code").asInt()).isEqualTo(200);
        assertThat(data.get(0).get("low_watermark").asLong()).isEqualTo(6);
        assertThat(data.get(1).get("low_watermark").asLong()).isEqualTo(4);
        assertThat(earliest(topic, 0)).isEqualTo(6);
        assertThat(earliest(topic, 1)).isEqualTo(4);
    }

    @Test
    void aDeletionBeyondTheHighWatermarkFailsOnlyItsPartition() throws Exception {
        String topic = newTopic("delete-records-beyond", 2);
        produce(topic, 0, 3);
        produce(topic, 1, 3);

        var response = http().post(v3("/topics/" + topic + "/records:delete"), """
                {"partitions": [{"partition_id": 0, "before_offset": 2}, {"partition_id": 1, "before_offset": 99}]}
                """);

        assertThat(response.status()).as(response.toString()).isEqualTo(207);
        JsonNode data = response.json().get("data");
        assertThat(data.get(0).get("low_watermark").asLong()).isEqualTo(2);
        assertThat(data.get(1).get("error_code").asInt()).isEqualTo(40002);
        assertThat(data.get(1).get("message").asString()).isNotBlank();
        assertThat(data.get(1).has("low_watermark")).isFalse();
        assertThat(earliest(topic, 1)).isZero();
    }

    @Test
    void badDeletionRequestsAreRefusedBeforeAnythingIsDeleted() throws Exception {
        String topic = newTopic("delete-records-bad", 1);
        produce(topic, 0, 3);
        String path = v3("/topics/" + topic + "/records:delete");

        var unknownPartition = http().post(path, """
                {"partitions": [{"partition_id": 0, "before_offset": 1}, {"partition_id": 5, "before_offset": 1}]}
                """);
        var twice = http().post(path, """
                {"partitions": [{"partition_id": 0, "before_offset": 1}, {"partition_id": 0, "before_offset": 2}]}
                """);
        var missingOffset = http().post(path, "{\"partitions\": [{\"partition_id\": 0}]}");
        var empty = http().post(path, "{\"partitions\": []}");
        var unknownTopic = http().post(v3("/topics/no-such-" + UUID.randomUUID() + "/records:delete"),
                "{\"partitions\": [{\"partition_id\": 0, \"before_offset\": 1}]}");

        assertThat(unknownPartition.status()).isEqualTo(404);
        assertThat(unknownPartition.json().get("error_code").asInt()).isEqualTo(40403);
        assertThat(unknownTopic.json().get("error_code").asInt()).isEqualTo(40403);
        assertThat(List.of(twice.status(), missingOffset.status(), empty.status())).containsOnly(400);
        assertThat(earliest(topic, 0)).isZero();
    }
}
