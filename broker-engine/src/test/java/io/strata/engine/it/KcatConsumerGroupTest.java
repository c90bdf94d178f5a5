package io.strata.engine.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * librdkafka's balanced consumer ({@code kcat -G}) against the group coordinator: it joins, gets every
 * partition, reads all records and commits on close. CI installs kcat (.ci/run); without it the test is skipped.
 */
class KcatConsumerGroupTest extends BrokerTestBase {
    private static final Path KCAT = Path.of("/usr/bin/kcat");

    @Test
    void kcatGroupConsumerReadsEveryRecordAndCommitsItsPosition() throws Exception {
        assumeTrue(Files.isExecutable(KCAT), "kcat is not installed");
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "kcat-topic", 3, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        for (int i = 0; i < 300; i++) {
            producer.send(new ProducerRecord<>("kcat-topic", "key-" + i, "value-" + i));
        }
        producer.flush();

        List<String> lines = ExternalClient.run(dataDir, 90, List.of(KCAT.toString(), "-b", fixture.bootstrapServers(),
                "-G", "kcat-group", "-c", "300", "-X", "auto.offset.reset=earliest", "-X", "session.timeout.ms=10000",
                "-f", "%k=%s\\n", "-q", "kcat-topic"));

        assertThat(lines).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 300).mapToObj(i -> "key-" + i + "=value-" + i).toList());
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("kcat-group")
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        assertThat(committed.keySet()).containsExactlyInAnyOrder(new TopicPartition("kcat-topic", 0),
                new TopicPartition("kcat-topic", 1), new TopicPartition("kcat-topic", 2));
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(300);
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("kcat-group"))
                .describedGroups().get("kcat-group").get(30, TimeUnit.SECONDS);
        assertThat(group.groupState()).isEqualTo(GroupState.EMPTY);
    }
}
