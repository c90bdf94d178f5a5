package io.strata.engine.it.cluster;

import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.txn.TransactionStateTopic;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The transaction coordinator on a three-broker cluster: {@code __transaction_state} replicated three ways, markers
 * sent to partition leaders on other brokers than the coordinator, and a coordinator crash with an open
 * transaction, which the next coordinator aborts when the producer's successor fences it.
 */
class TransactionCoordinatorClusterTest extends ThreeBrokerClusterTestBase {
    private static final String TOPIC = "txn-spread";
    private static final int PARTITIONS = 6;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final List<AutoCloseable> clients = new ArrayList<>();

    private KafkaProducer<String, String> producer(String transactionalId) {
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000));
        clients.add(producer);
        producer.initTransactions();
        return producer;
    }

    private List<String> read(String isolation) {
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            await().atMost(SETTLE).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
            return values;
        }
    }

    private static List<String> sendToEveryPartition(KafkaProducer<String, String> producer, String prefix)
            throws Exception {
        List<String> sent = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            String value = prefix + "-" + p;
            producer.send(new ProducerRecord<>(TOPIC, p, null, value)).get(30, TimeUnit.SECONDS);
            sent.add(value);
        }
        return sent;
    }

    private int coordinatorOf(String transactionalId) {
        List<PartitionMetadata> state = cluster.partitions(TransactionStateTopic.NAME);
        return state.get(TransactionStateTopic.partitionFor(transactionalId, state.size())).leader();
    }

    @Test
    void markersReachLeadersOnOtherBrokersAndANewCoordinatorAbortsTheOpenTransactionOfACrashedOne()
            throws Exception {
        try {
            cluster.createReplicatedTopic(TOPIC, PARTITIONS, Map.of("min.insync.replicas", "2"));
            KafkaProducer<String, String> producer = producer("spread");
            int coordinator = coordinatorOf("spread");
            assertThat(cluster.partitions(TOPIC)).as("some partitions are led by other brokers than the coordinator")
                    .anySatisfy(p -> assertThat(p.leader()).isNotEqualTo(coordinator));

            producer.beginTransaction();
            List<String> committed = sendToEveryPartition(producer, "committed");
            producer.commitTransaction();
            producer.beginTransaction();
            List<String> aborted = sendToEveryPartition(producer, "aborted");
            producer.abortTransaction();
            producer.beginTransaction();
            List<String> open = sendToEveryPartition(producer, "open");

            cluster.broker(coordinator).halt();
            await().atMost(SETTLE).until(() -> {
                int next = coordinatorOf("spread");
                return next >= 0 && next != coordinator;
            });
            KafkaProducer<String, String> successor = producer("spread"); // fences and aborts the open transaction
            successor.beginTransaction();
            List<String> last = sendToEveryPartition(successor, "successor");
            successor.commitTransaction();

            List<String> visible = new ArrayList<>(committed);
            visible.addAll(last);
            assertThat(read("read_committed")).containsExactlyInAnyOrderElementsOf(visible);
            List<String> everything = new ArrayList<>(visible);
            everything.addAll(aborted);
            everything.addAll(open);
            assertThat(read("read_uncommitted")).containsExactlyInAnyOrderElementsOf(everything);
        } finally {
            for (AutoCloseable client : clients) {
                if (client instanceof KafkaProducer<?, ?> p) {
                    p.close(Duration.ofSeconds(1));
                } else {
                    client.close();
                }
            }
        }
    }
}
