package io.strata.engine.it;

import io.strata.engine.config.LogManagerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Admin.deleteRecords against one broker: low watermarks, consumers from the beginning, errors, restarts. */
class DeleteRecordsTest extends BrokerTestBase {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final TopicPartition TP = new TopicPartition("trimmed", 0);

    private Admin admin;

    private void start(Map<String, String> topicConfigs) throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(),
                c -> c.withLogManager(LogManagerConfig.defaults().withRetentionCheckIntervalMs(200)));
        admin = fixture.admin();
        fixture.createTopic(admin, TP.topic(), 1, topicConfigs);
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        for (int i = 0; i < 100; i++) {
            producer.send(new ProducerRecord<>(TP.topic(), 0, "k" + i, "v" + i));
        }
        producer.flush();
    }

    private long deleteBefore(long offset) throws Exception {
        return admin.deleteRecords(Map.of(TP, RecordsToDelete.beforeOffset(offset))).lowWatermarks().get(TP)
                .get(30, TimeUnit.SECONDS).lowWatermark();
    }

    private long earliest() throws Exception {
        return admin.listOffsets(Map.of(TP, OffsetSpec.earliest())).partitionResult(TP).get(30, TimeUnit.SECONDS).offset();
    }

    private long firstOffsetFromTheBeginning() {
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of());
        consumer.assign(List.of(TP));
        consumer.seekToBeginning(List.of(TP));
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                return r.offset();
            }
        }
        throw new AssertionError("nothing consumed");
    }

    @Test
    void aConsumerFromTheBeginningStartsAtTheLowWatermarkAndMinusOneMeansTheHighWatermark() throws Exception {
        start(Map.of("segment.bytes", "1024", "file.delete.delay.ms", "100"));
        assertThat(deleteBefore(37)).isEqualTo(37);
        assertThat(earliest()).isEqualTo(37);
        assertThat(firstOffsetFromTheBeginning()).isEqualTo(37);
        // Retention then deletes the segments wholly below the new start.
        await().atMost(SETTLE).untilAsserted(() -> assertThat(fixture.segmentFiles(TP.topic(), 0))
                .allSatisfy(f -> assertThat(BrokerFixture.baseOffset(f)).isLessThanOrEqualTo(37))
                .hasSizeLessThan(10));
        assertThat(deleteBefore(10)).as("never backwards").isEqualTo(37);

        assertThat(admin.deleteRecords(Map.of(TP, RecordsToDelete.beforeOffset(-1))).lowWatermarks().get(TP)
                .get(30, TimeUnit.SECONDS).lowWatermark()).isEqualTo(100);
        assertThat(earliest()).isEqualTo(100);
    }

    @Test
    void anOffsetAboveTheHighWatermarkIsOutOfRangeAndCompactOnlyTopicsRefuse() throws Exception {
        start(Map.of());
        assertThatThrownBy(() -> deleteBefore(101)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(OffsetOutOfRangeException.class);
        assertThat(earliest()).isZero();

        fixture.createTopic(admin, "compact-only", 1, Map.of("cleanup.policy", "compact"));
        fixture.createTopic(admin, "no-policy", 1, Map.of("cleanup.policy", ""));
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        producer.send(new ProducerRecord<>("compact-only", 0, "k", "v"));
        producer.send(new ProducerRecord<>("no-policy", 0, "k", "v"));
        producer.flush();
        TopicPartition compacted = new TopicPartition("compact-only", 0);
        assertThatThrownBy(() -> admin.deleteRecords(Map.of(compacted, RecordsToDelete.beforeOffset(1))).all()
                .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(PolicyViolationException.class);
        TopicPartition none = new TopicPartition("no-policy", 0);
        assertThat(admin.deleteRecords(Map.of(none, RecordsToDelete.beforeOffset(1))).lowWatermarks().get(none)
                .get(30, TimeUnit.SECONDS).lowWatermark()).isEqualTo(1);
    }

    @Test
    void theLogStartSurvivesACleanRestartAndACrash() throws Exception {
        start(Map.of("segment.bytes", "1024"));
        assertThat(deleteBefore(42)).isEqualTo(42);
        fixture.closeBroker();
        fixture.restart();
        admin = fixture.admin();
        assertThat(earliest()).isEqualTo(42);
        assertThat(deleteBefore(58)).isEqualTo(58);
        fixture.halt();
        fixture.restart();
        admin = fixture.admin();
        assertThat(earliest()).as("an acknowledged DeleteRecords never goes backwards").isEqualTo(58);
        assertThat(firstOffsetFromTheBeginning()).isEqualTo(58);
    }
}
