package io.strata.engine.it;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kafkajs (Node.js) consumer group against the coordinator: subscribe from the beginning, read every key,
 * commit on disconnect. The script lives in src/test/kafkajs; .ci/run installs its node_modules with npm ci.
 */
class KafkajsConsumerGroupTest extends BrokerTestBase {
    private static final Path SCRIPT_DIR = Path.of("src/test/kafkajs").toAbsolutePath();

    @Test
    void kafkajsGroupConsumerReadsEveryRecordAndCommits() throws Exception {
        assumeTrue(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/kafkajs")),
                "kafkajs is not installed (npm ci --prefix broker-engine/src/test/kafkajs)");
        fixture = BrokerFixture.start(dataDir);
        fixture.createTopic(fixture.admin(), "kafkajs-topic", 3, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        for (int i = 0; i < 300; i++) {
            producer.send(new ProducerRecord<>("kafkajs-topic", "key-" + i, "value-" + i));
        }
        producer.flush();

        List<String> out = ExternalClient.run(dataDir, 90, List.of("node",
                SCRIPT_DIR.resolve("consumer-group.js").toString(), fixture.bootstrapServers(), "kafkajs-topic",
                "kafkajs-group", "300"));

        assertThat(out).last().isEqualTo("seen=300 committed=300 state=Empty");
    }
}
