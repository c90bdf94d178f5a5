package io.strata.engine.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * librdkafka's producer ({@code kcat -P}) writes batches with its own codec code, so what it sends must pass
 * record validation, stored as sent and rewritten into the topic's codec. Debian's kcat (librdkafka 2.0.2)
 * compresses only with zstd against a Kafka 4 protocol broker: it enables gzip, snappy and lz4 only when the
 * broker serves Fetch v2, which Kafka 4 (and Strata) no longer do, and then sends those uncompressed. The
 * stored codec is asserted, so the test would notice a kcat that compresses differently.
 * Skipped without kcat (CI installs it, see .ci/run).
 */
class KcatProduceCompressionTest extends BrokerTestBase {
    private static final Path KCAT = Path.of("/usr/bin/kcat");
    private static final int RECORDS = 500;

    @ParameterizedTest(name = "kcat {0} into a topic with compression.type={1}")
    @CsvSource({"none, producer", "zstd, producer", "zstd, gzip", "zstd, lz4", "zstd, snappy", "zstd, uncompressed",
            "none, zstd"})
    void everyRecordKcatProducesIsStoredAndReadBack(String codec, String topicCompression) throws Exception {
        assumeTrue(Files.isExecutable(KCAT), "kcat is not installed");
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "kcat-in", 1, Map.of("compression.type", topicCompression));
        List<String> lines = IntStream.range(0, RECORDS)
                .mapToObj(i -> "key-" + i + ":value-" + i + " " + "payload ".repeat(i % 20)).toList();
        Path input = Files.write(dataDir.resolve("input.txt"), lines);

        ExternalClient.run(dataDir, 60, List.of(KCAT.toString(), "-b", fixture.bootstrapServers(), "-t", "kcat-in",
                "-P", "-X", "compression.codec=" + codec, "-K", ":", "-X", "linger.ms=100", "-X", "acks=all", "-l", input.toString()));

        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of());
        TopicPartition tp = new TopicPartition("kcat-in", 0);
        consumer.assign(List.of(tp));
        List<ConsumerRecord<String, String>> read = BrokerFixture.readFrom(consumer, tp, 0, RECORDS, Duration.ofSeconds(30));
        assertThat(read).extracting(r -> r.key() + ":" + r.value()).containsExactlyElementsOf(lines);
        assertThat(read).extracting(ConsumerRecord::offset)
                .containsExactlyElementsOf(IntStream.range(0, RECORDS).mapToObj(i -> (long) i).toList());
        String stored = topicCompression.equals("producer") ? codec : topicCompression.replace("uncompressed", "none");
        assertThat(fixture.storedCodecs("kcat-in", 0)).containsOnly(stored);
    }
}
