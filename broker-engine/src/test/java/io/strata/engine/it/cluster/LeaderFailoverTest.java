package io.strata.engine.it.cluster;

import io.strata.engine.metadata.PartitionMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failover test, in one JVM: an idempotent acks=all producer writes 100k records to an RF 3,
 * min.insync.replicas=2 topic while the leader of each partition in turn is killed (no controlled shutdown)
 * and later restarted. Every acknowledged record is read back in order per partition, none lost, none
 * duplicated, and each restarted broker rejoins the ISR.
 */
class LeaderFailoverTest extends ThreeBrokerClusterTestBase {
    private static final String TOPIC = "failover";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 100_000;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @Test
    void killingEachLeaderUnderAcksAllLoadLosesAndDuplicatesNothing() throws Exception {
        cluster.createReplicatedTopic(TOPIC, PARTITIONS, Map.of("min.insync.replicas", "2"));

        List<List<Integer>> acked = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            acked.add(Collections.synchronizedList(new ArrayList<>()));
        }
        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        AtomicLong ackCount = new AtomicLong();
        Thread killer = new Thread(() -> killEachLeaderInTurn(ackCount), "leader-killer");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000,
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100),
                new StringSerializer(), new StringSerializer())) {
            killer.start();
            for (int i = 0; i < RECORDS; i++) {
                int partition = i % PARTITIONS;
                int seq = i / PARTITIONS;
                producer.send(new ProducerRecord<>(TOPIC, partition, null, Integer.toString(seq)), (md, e) -> {
                    if (e != null) {
                        failures.add(e);
                    } else {
                        acked.get(partition).add(seq);
                        ackCount.incrementAndGet();
                    }
                });
            }
            producer.flush();
        } finally {
            killer.join(SETTLE.toMillis() * 4);
        }

        assertThat(failures).isEmpty();
        for (int p = 0; p < PARTITIONS; p++) {
            List<Integer> expected = IntStream.range(0, RECORDS / PARTITIONS + (p < RECORDS % PARTITIONS ? 1 : 0))
                    .boxed().toList();
            assertThat(acked.get(p)).containsExactlyElementsOf(expected);
            assertThat(consume(new TopicPartition(TOPIC, p), expected.size())).containsExactlyElementsOf(expected);
        }
        await().atMost(SETTLE).until(() -> partitions().stream().allMatch(p -> p.isr().size() == 3));
    }

    /** Kills the current leader of partition 0, 1, 2 in turn, each once a third more records are acknowledged. */
    private void killEachLeaderInTurn(AtomicLong ackCount) {
        for (int p = 0; p < PARTITIONS; p++) {
            long threshold = (long) RECORDS * (p + 1) / (PARTITIONS + 1);
            await().atMost(Duration.ofMinutes(3)).until(() -> ackCount.get() >= threshold);
            int victim = partitions().get(p).leader();
            cluster.broker(victim).halt();
            int partition = p;
            await().atMost(SETTLE).until(() -> {
                PartitionMetadata now = partitions().get(partition);
                return now.leader() >= 0 && now.leader() != victim;
            });
            cluster.startBroker(victim);
            await().atMost(SETTLE).until(() -> partitions().stream().allMatch(m -> m.isr().contains(victim)));
        }
    }

    private List<PartitionMetadata> partitions() {
        return cluster.partitions(TOPIC);
    }

    private List<Integer> consume(TopicPartition tp, int expected) {
        List<Integer> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(Integer.parseInt(r.value()));
                }
            }
            consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(Integer.parseInt(r.value()))); // extras = duplicates
        }
        return out;
    }
}
