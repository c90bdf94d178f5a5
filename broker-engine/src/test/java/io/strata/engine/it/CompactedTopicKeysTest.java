package io.strata.engine.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A compacted topic refuses records without a key, from the moment its cleanup.policy says compact. */
class CompactedTopicKeysTest extends StartedBrokerTestBase {

    @Test
    void aTopicSwitchedFromDeleteToCompactRefusesKeylessRecordsFromThenOn() throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "events", 1, Map.of("cleanup.policy", "delete"));
        // One record per request, so a refusal concerns exactly the record sent.
        KafkaProducer<String, String> producer = fixture.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.RETRIES_CONFIG, 0));
        producer.send(new ProducerRecord<>("events", null, "keyless under delete")).get(10, SECONDS);

        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "events"),
                List.of(new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET))))
                .all().get(10, SECONDS);

        assertThatThrownBy(() -> producer.send(new ProducerRecord<>("events", null, "keyless under compact"))
                .get(10, SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("Compacted topic cannot accept message without key");
        producer.send(new ProducerRecord<>("events", "k", "keyed under compact")).get(10, SECONDS);

        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        TopicPartition tp = new TopicPartition("events", 0);
        consumer.assign(List.of(tp));
        List<ConsumerRecord<String, String>> read = BrokerFixture.readFrom(consumer, tp, 0, 2, Duration.ofSeconds(15));
        assertThat(read).extracting(ConsumerRecord::value).containsExactly("keyless under delete", "keyed under compact");
        assertThat(read).extracting(ConsumerRecord::offset).containsExactly(0L, 1L);
    }
}
