package io.strata.engine.it.cluster;

import io.strata.engine.cluster.Partition;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful close as a controlled shutdown: the closing broker's leaderships move to other in-sync replicas
 * before it stops, so an acks=all idempotent producer running throughout a close, or a rolling restart of
 * all three brokers, sees no error and every acknowledged record is read back once, in order.
 */
class ControlledShutdownTest extends ThreeBrokerClusterTestBase {
    private static final String TOPIC = "controlled";
    private static final int PARTITIONS = 3;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private LoadProducer load;

    @AfterEach
    void stopLoad() throws InterruptedException {
        if (load != null) {
            load.stop();
        }
    }

    @Test
    void closingALeaderMovesItsLeadershipsToOtherReplicasBeforeItStopsAndAnAcksAllProducerLosesNothing()
            throws Exception {
        createTopic();
        int closing = storedPartition(0).leader();
        load = new LoadProducer(cluster.bootstrapServers());
        load.awaitAcks(300);

        cluster.broker(closing).close();

        assertNoPartitionNeeds(closing);
        for (int p = 0; p < PARTITIONS; p++) {
            Partition replica = cluster.broker(closing).replicaManager().partition(tp(p)).orElseThrow();
            assertThat(replica.role()).as("partition %d as the closed broker last applied it", p)
                    .isEqualTo(Partition.Role.FOLLOWER);
        }
        load.awaitAcks(load.acked() + 300);
        load.stop();

        assertThat(load.errors()).isEmpty();
        assertEveryAcknowledgedRecordIsReadOnceInOrder();
    }

    @Test
    void aRollingRestartOfAllThreeBrokersUnderAcksAllLoadLosesNoAcknowledgedRecord() throws Exception {
        createTopic();
        load = new LoadProducer(cluster.bootstrapServers());
        load.awaitAcks(300);

        for (int id = 1; id <= 3; id++) {
            cluster.broker(id).close();
            assertNoPartitionNeeds(id);
            cluster.startBroker(id);
            await().atMost(SETTLE).until(this::everyIsrIsFull);
            load.awaitAcks(load.acked() + 300);
        }
        load.stop();

        assertThat(load.errors()).isEmpty();
        assertEveryAcknowledgedRecordIsReadOnceInOrder();
    }

    /** Right after its close returned: the broker leads nothing and is in no ISR, the other two are. */
    private void assertNoPartitionNeeds(int closed) {
        for (int p = 0; p < PARTITIONS; p++) {
            PartitionMetadata stored = storedPartition(p);
            assertThat(stored.leader()).as("partition %d leader", p).isNotEqualTo(closed).isNotEqualTo(-1);
            assertThat(stored.isr()).as("partition %d ISR", p).doesNotContain(closed).hasSize(2);
        }
    }

    private void createTopic() throws Exception {
        cluster.createReplicatedTopic(TOPIC, PARTITIONS, Map.of("min.insync.replicas", "2"));
    }

    private boolean everyIsrIsFull() {
        return cluster.store().topic(TOPIC).map(TopicMetadata::partitions).orElse(List.of()).stream()
                .filter(p -> p.isr().size() == 3).count() == PARTITIONS;
    }

    private PartitionMetadata storedPartition(int partition) {
        return cluster.partitions(TOPIC).get(partition);
    }

    private static TopicPartition tp(int partition) {
        return new TopicPartition(TOPIC, partition);
    }

    private void assertEveryAcknowledgedRecordIsReadOnceInOrder() {
        Map<Integer, List<ConsumerRecord<String, String>>> read = consumeAll(load.ackedPerPartition());
        for (int p = 0; p < PARTITIONS; p++) {
            Map<Long, String> acked = load.acked(p);
            assertThat(read.get(p)).as("partition %d", p).extracting(ConsumerRecord::offset)
                    .containsExactlyElementsOf(acked.keySet());
            assertThat(read.get(p)).as("partition %d", p).extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(acked.values());
        }
    }

    /** Reads each partition from the start up to the number of records acknowledged in it. */
    private Map<Integer, List<ConsumerRecord<String, String>>> consumeAll(Map<Integer, Integer> expected) {
        Map<Integer, List<ConsumerRecord<String, String>>> out = new HashMap<>();
        List<TopicPartition> all = IntStream.range(0, PARTITIONS).mapToObj(ControlledShutdownTest::tp).toList();
        all.forEach(tp -> out.put(tp.partition(), new ArrayList<>()));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(all);
            consumer.seekToBeginning(all);
            await().atMost(SETTLE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.get(r.partition()).add(r));
                return all.stream().allMatch(tp -> out.get(tp.partition()).size() >= expected.get(tp.partition()));
            });
            consumer.poll(Duration.ofMillis(200)).forEach(r -> out.get(r.partition()).add(r)); // anything beyond
        }
        return out;
    }

    /**
     * An acks=all idempotent producer sending to the partitions in turn from a thread of its own, at most
     * {@link #MAX_UNACKNOWLEDGED} records outstanding, counting every acknowledgement (by partition and offset)
     * and every error its callbacks report.
     */
    private static final class LoadProducer {
        private static final int MAX_UNACKNOWLEDGED = 100;

        private final KafkaProducer<String, String> producer;
        private final Semaphore outstanding = new Semaphore(MAX_UNACKNOWLEDGED);
        private final Map<Integer, ConcurrentSkipListMap<Long, String>> acked = new ConcurrentHashMap<>();
        private final List<Exception> errors = new CopyOnWriteArrayList<>();
        private final AtomicInteger ackCount = new AtomicInteger();
        private final Thread sender;
        private volatile boolean running = true;

        LoadProducer(String bootstrapServers) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                    ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50), new StringSerializer(), new StringSerializer());
            for (int p = 0; p < PARTITIONS; p++) {
                acked.put(p, new ConcurrentSkipListMap<>());
            }
            sender = new Thread(this::sendUntilStopped, "load-producer");
            sender.start();
        }

        private void sendUntilStopped() {
            long seq = 0;
            while (running) {
                try {
                    if (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                seq++;
                int partition = (int) (seq % PARTITIONS);
                String value = "v" + seq;
                producer.send(new ProducerRecord<>(TOPIC, partition, "k" + seq, value), (metadata, error) -> {
                    if (error == null) {
                        acked.get(partition).put(metadata.offset(), value);
                        ackCount.incrementAndGet();
                    } else {
                        errors.add(error);
                    }
                    outstanding.release();
                });
            }
        }

        void awaitAcks(int count) {
            await().atMost(SETTLE).until(() -> ackCount.get() >= count || !errors.isEmpty());
        }

        int acked() {
            return ackCount.get();
        }

        Map<Long, String> acked(int partition) {
            return acked.get(partition);
        }

        Map<Integer, Integer> ackedPerPartition() {
            Map<Integer, Integer> out = new HashMap<>();
            acked.forEach((p, records) -> out.put(p, records.size()));
            return out;
        }

        List<Exception> errors() {
            return errors;
        }

        /** Stops sending, waits for every outstanding callback and closes the producer. */
        void stop() throws InterruptedException {
            if (!running) {
                return;
            }
            running = false;
            sender.join();
            producer.flush();
            producer.close(Duration.ofSeconds(10));
        }
    }
}
