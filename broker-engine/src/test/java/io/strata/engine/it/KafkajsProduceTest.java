package io.strata.engine.it;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kafkajs writes record batches with its own JavaScript encoder (and gzip through zlib); they must pass
 * record validation, stored as sent and rewritten into the topic's codec. The script is
 * src/test/kafkajs/produce.js; .ci/run installs its node_modules with npm ci.
 */
class KafkajsProduceTest extends BrokerTestBase {
    private static final Path SCRIPT_DIR = Path.of("src/test/kafkajs").toAbsolutePath();
    private static final int RECORDS = 400;

    @ParameterizedTest(name = "kafkajs {0} into a topic with compression.type={1}")
    @CsvSource({"none, producer", "gzip, producer", "gzip, zstd", "none, lz4"})
    void everyRecordKafkajsProducesIsStoredAndReadBack(String codec, String topicCompression) throws Exception {
        assumeTrue(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/kafkajs")),
                "kafkajs is not installed (npm ci in src/test/kafkajs)");
        fixture = BrokerFixture.start(dataDir);
        fixture.createTopic(fixture.admin(), "js-in", 1, Map.of("compression.type", topicCompression));

        List<String> out = ExternalClient.run(dataDir, 90, List.of("node",
                SCRIPT_DIR.resolve("produce.js").toString(), fixture.bootstrapServers(), "js-in",
                String.valueOf(RECORDS), codec));
        assertThat(out).containsExactly("sent=" + RECORDS);

        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of());
        TopicPartition tp = new TopicPartition("js-in", 0);
        consumer.assign(List.of(tp));
        List<ConsumerRecord<String, String>> read = BrokerFixture.readFrom(consumer, tp, 0, RECORDS, Duration.ofSeconds(30));
        assertThat(read).extracting(r -> r.key() + "=" + r.value() + " seq="
                        + new String(r.headers().lastHeader("seq").value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(IntStream.range(0, RECORDS)
                        .mapToObj(i -> "key-" + i + "=value-" + i + " " + "payload ".repeat(i % 20) + " seq=" + i)
                        .toList());
        String stored = topicCompression.equals("producer") ? codec : topicCompression;
        assertThat(fixture.storedCodecs("js-in", 0)).hasSize(RECORDS / 50).containsOnly(stored);
    }
}
