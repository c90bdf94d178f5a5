package io.strata.platform.cluster;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one partition from its first offset up to its high watermark at the time of the call, as a
 * consumer sees it: everything committed, with any duplicate or gap left in place for the test to see.
 */
final class PartitionReader {
    private PartitionReader() {
    }

    static List<Integer> readAll(String bootstrapServers, TopicPartition tp, Duration atMost) {
        List<Integer> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), atMost).get(tp);
            long deadline = System.nanoTime() + atMost.toNanos();
            while (consumer.position(tp, atMost) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + tp + " up to offset " + end + " within " + atMost
                            + "; got to " + consumer.position(tp) + " with " + values.size() + " records");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end) {
                        values.add(Integer.parseInt(r.value()));
                    }
                }
            }
        }
        return values;
    }
}
