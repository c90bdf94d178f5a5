package io.strata.engine.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionReplica;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/** DescribeLogDirs through the Admin client, as {@code kafka-log-dirs.sh --describe} sends it. */
class DescribeLogDirsTest extends BrokerTestBase {

    @Test
    void eachPartitionIsReportedWithItsSizeOnDisk() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of("segment.bytes", "4096"));
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "sized", 2, Map.of());
        fixture.createTopic(admin, "empty", 1, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of("batch.size", 1024));
        for (int i = 0; i < 200; i++) {
            producer.send(new ProducerRecord<>("sized", 0, "k" + i, "value-" + "x".repeat(100) + i));
        }
        producer.send(new ProducerRecord<>("sized", 1, "k", "v")).get(10, SECONDS);
        producer.flush();

        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(0)).allDescriptions().get(10, SECONDS)
                .get(0);

        assertThat(dirs).hasSize(1);
        Map.Entry<String, LogDirDescription> dir = dirs.entrySet().iterator().next();
        assertThat(Path.of(dir.getKey())).isEqualTo(fixture.dataDir().toAbsolutePath());
        assertThat(dir.getValue().error()).isNull();
        assertThat(dir.getValue().totalBytes().orElse(-1)).isPositive();
        assertThat(dir.getValue().usableBytes().orElse(-1)).isPositive();
        Map<TopicPartition, ReplicaInfo> replicas = dir.getValue().replicaInfos();
        assertThat(fixture.segmentFiles("sized", 0)).as("the test needs several segments").hasSizeGreaterThan(1);
        assertThat(replicas.get(new TopicPartition("sized", 0)).size()).isEqualTo(bytesOnDisk("sized", 0));
        assertThat(replicas.get(new TopicPartition("sized", 1)).size()).isEqualTo(bytesOnDisk("sized", 1))
                .isPositive();
        assertThat(replicas.get(new TopicPartition("empty", 0)).size()).isZero();
        assertThat(replicas.values()).allSatisfy(r -> {
            assertThat(r.offsetLag()).isZero();
            assertThat(r.isFuture()).isFalse();
        });
    }

    @Test
    void onlyTheReplicasAskedForAreDescribed() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "asked", 3, Map.of());
        fixture.createTopic(admin, "other", 1, Map.of());
        fixture.producer(Map.of()).send(new ProducerRecord<>("asked", 2, "k", "v")).get(10, SECONDS);

        var described = admin.describeReplicaLogDirs(List.of(new TopicPartitionReplica("asked", 2, 0),
                new TopicPartitionReplica("missing", 0, 0))).all().get(10, SECONDS);

        assertThat(described.get(new TopicPartitionReplica("asked", 2, 0)).getCurrentReplicaLogDir())
                .isEqualTo(fixture.dataDir().toAbsolutePath().toString());
        assertThat(described.get(new TopicPartitionReplica("missing", 0, 0)).getCurrentReplicaLogDir()).isNull();
    }

    private long bytesOnDisk(String topic, int partition) throws Exception {
        long total = 0;
        for (Path segment : fixture.segmentFiles(topic, partition)) {
            total += Files.size(segment);
        }
        return total;
    }
}
