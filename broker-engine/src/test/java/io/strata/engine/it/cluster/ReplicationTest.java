package io.strata.engine.it.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.strata.engine.cluster.Partition;
import io.strata.engine.metadata.PartitionMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import io.strata.engine.it.RawKafkaConnection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three brokers replicating one RF 3 partition: followers fetch from the leader (in fetch sessions), the high
 * watermark is the minimum over the ISR, acks=all waits for it, and min.insync.replicas refuses writes the ISR
 * cannot hold.
 */
class ReplicationTest extends ThreeBrokerClusterTestBase {
    private static final String TOPIC = "replicated";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Test
    void recordsAcknowledgedWithAcksAllAreOnEveryReplicaAndReadableFromTheLeader() throws Exception {
        createTopic(Map.of("min.insync.replicas", "2"));
        try (KafkaProducer<String, String> producer = producer("all")) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
        for (int id = 1; id <= 3; id++) {
            Partition replica = cluster.broker(id).replicaManager().partition(TP).orElseThrow();
            await().atMost(SETTLE).untilAsserted(() -> {
                assertThat(replica.log().logEndOffset()).isEqualTo(1_000);
                assertThat(replica.log().highWatermark()).isEqualTo(1_000);
            });
        }
        assertThat(gauge(cluster.meterRegistry(leaderOf()), "strata.fetch.sessions"))
                .as("each follower replicates through a fetch session at the leader").isEqualTo(2);
        assertThat(consumeAll(1_000)).extracting(ConsumerRecord::value)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "v" + i).toList());
    }

    @Test
    void withTwoOfThreeReplicasDownAcksAllIsRefusedAndAcksOneIsStillWritten() throws Exception {
        createTopic(Map.of("min.insync.replicas", "2"));
        int leader = leaderOf();
        for (int id = 1; id <= 3; id++) {
            if (id != leader) {
                cluster.broker(id).halt();
            }
        }
        // The leader's own view, not just the store's: it decides NOT_ENOUGH_REPLICAS before appending.
        Partition led = cluster.broker(leader).replicaManager().partition(TP).orElseThrow();
        await().atMost(SETTLE).until(() -> led.state().isr().equals(List.of(leader)));

        try (KafkaProducer<String, String> producer = producer("all", Map.of(
                ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "refused")).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotEnoughReplicasException.class);
        }
        try (KafkaProducer<String, String> producer = producer("1")) {
            producer.send(new ProducerRecord<>(TOPIC, "k", "accepted")).get();
        }
        assertThat(consumeAll(1)).extracting(ConsumerRecord::value).containsExactly("accepted");
    }

    @Test
    void aRestartedFollowerCatchesUpAndRejoinsTheIsr() throws Exception {
        createTopic(Map.of("min.insync.replicas", "2"));
        int leader = leaderOf();
        int follower = leader % 3 + 1;
        cluster.broker(follower).halt();
        await().atMost(SETTLE).until(() -> !storedPartition().isr().contains(follower));
        try (KafkaProducer<String, String> producer = producer("all")) {
            for (int i = 0; i < 500; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i));
            }
            producer.flush();
        }

        MeterRegistry leaderMetrics = cluster.meterRegistry(leader);
        await().atMost(SETTLE).untilAsserted(() -> {
            assertThat(gauge(leaderMetrics, "strata.partitions.under.replicated")).isEqualTo(1);
            assertThat(gauge(leaderMetrics, "strata.partitions.leader")).isEqualTo(1);
        });

        cluster.startBroker(follower);

        await().atMost(SETTLE).until(() -> storedPartition().isr().contains(follower));
        Partition replica = cluster.broker(follower).replicaManager().partition(TP).orElseThrow();
        await().atMost(SETTLE).untilAsserted(() -> assertThat(replica.log().logEndOffset()).isEqualTo(500));
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(gauge(leaderMetrics, "strata.partitions.under.replicated")).isZero());
        assertThat(leaderMetrics.get("strata.isr.expands").counter().count()).isGreaterThanOrEqualTo(1);
        MeterRegistry followerMetrics = cluster.meterRegistry(follower);
        assertThat(gauge(followerMetrics, "strata.partitions")).isEqualTo(1);
        assertThat(gauge(followerMetrics, "strata.partitions.leader")).isZero();
        assertThat(gauge(followerMetrics, "strata.replica.fetcher.max.lag")).isZero();
    }

    /**
     * A partition the broker hosts but does not lead gets NOT_LEADER_OR_FOLLOWER on its own; the request's other
     * batches are stored and acknowledged (the refusal used to fail the whole request, batches already appended
     * included, so the producer retried those as duplicates).
     */
    @Test
    void aProduceNamingAPartitionTheBrokerOnlyFollowsStillStoresTheOthers() throws Exception {
        String topic = "mixed-leaders";
        cluster.createReplicatedTopic(topic, 3, Map.of());
        List<PartitionMetadata> partitions = cluster.partitions(topic);
        int led = partitions.get(0).leader();
        int followed = -1;
        for (PartitionMetadata p : partitions) {
            if (p.leader() != led) {
                followed = p.partition();
            }
        }
        assertThat(followed).as("partition leaders are spread over the brokers").isPositive();
        ProduceRequestData.TopicProduceData data = new ProduceRequestData.TopicProduceData().setName(topic);
        for (int p : List.of(0, followed)) {
            data.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(p).setRecords(
                    MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("to-" + p).getBytes()))));
        }
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(data);
        ProduceResponse response;
        try (RawKafkaConnection c = new RawKafkaConnection(cluster.broker(led).bootstrapServers())) {
            response = c.send(ProduceRequest.builder(new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000)
                    .setTopicData(topics)), (short) 12);
        }
        Map<Integer, Short> errors = new java.util.TreeMap<>();
        response.data().responses().forEach(t -> t.partitionResponses()
                .forEach(r -> errors.put(r.index(), r.errorCode())));
        assertThat(errors).containsEntry(0, Errors.NONE.code())
                .containsEntry(followed, Errors.NOT_LEADER_OR_FOLLOWER.code());
        Partition stored = cluster.broker(led).replicaManager().partition(new TopicPartition(topic, 0)).orElseThrow();
        assertThat(stored.log().logEndOffset()).isEqualTo(1);
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }

    private void createTopic(Map<String, String> configs) throws Exception {
        cluster.createReplicatedTopic(TOPIC, 1, configs);
    }

    private PartitionMetadata storedPartition() {
        return cluster.partitions(TOPIC).get(0);
    }

    private int leaderOf() {
        return storedPartition().leader();
    }

    private KafkaProducer<String, String> producer(String acks) {
        return producer(acks, Map.of());
    }

    private KafkaProducer<String, String> producer(String acks, Map<String, Object> extra) {
        Map<String, Object> props = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
        if (!"all".equals(acks)) {
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        }
        props.putAll(extra);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private List<ConsumerRecord<String, String>> consumeAll(int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
