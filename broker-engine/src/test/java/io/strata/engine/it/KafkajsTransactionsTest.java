package io.strata.engine.it;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kafkajs speaks the transaction protocol with its own versions (InitProducerId v0-1, AddPartitionsToTxn and
 * EndTxn v0-1, TxnOffsetCommit v0-2): a committed transaction is read in read_committed, an aborted one only in
 * read_uncommitted, and offsets sent within a transaction are committed with it. The script is
 * src/test/kafkajs/transactions.js; .ci/run installs its node_modules with npm ci.
 */
class KafkajsTransactionsTest extends BrokerTestBase {
    private static final Path SCRIPT_DIR = Path.of("src/test/kafkajs").toAbsolutePath();
    private static final int RECORDS = 50;
    private static final TopicPartition TP = new TopicPartition("js-txn", 0);

    @Test
    void kafkajsCommitsAndAbortsTransactionsWithOffsets() throws Exception {
        assumeTrue(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/kafkajs")),
                "kafkajs is not installed (npm ci in src/test/kafkajs)");
        fixture = BrokerFixture.start(dataDir);
        fixture.createTopic(fixture.admin(), TP.topic(), 1, Map.of());

        List<String> out = ExternalClient.run(dataDir, 120, List.of("node",
                SCRIPT_DIR.resolve("transactions.js").toString(), fixture.bootstrapServers(), TP.topic(),
                String.valueOf(RECORDS)));
        assertThat(out).containsExactly("committed=" + (2 * RECORDS) + " aborted=" + RECORDS);

        assertThat(values("read_committed")).containsExactlyElementsOf(Stream.concat(
                ids("commit-a"), ids("commit-b")).toList());
        assertThat(values("read_uncommitted")).containsExactlyElementsOf(Stream.of(
                ids("commit-a"), ids("abort"), ids("commit-b")).flatMap(s -> s).toList());
        Map<TopicPartition, OffsetAndMetadata> committed = fixture.admin()
                .listConsumerGroupOffsets("js-txn-group").partitionsToOffsetAndMetadata().get();
        assertThat(committed.get(TP).offset()).isEqualTo(42);
    }

    private static Stream<String> ids(String prefix) {
        return IntStream.range(0, RECORDS).mapToObj(i -> prefix + "-" + i);
    }

    private List<String> values(String isolation) throws Exception {
        long end = fixture.admin().listOffsets(Map.of(TP, OffsetSpec.latest())).all().get().get(TP).offset();
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation))) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(TP) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
