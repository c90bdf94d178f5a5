package io.strata.engine.it.cluster;

import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.txn.TransactionStateTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code __transaction_state} keeps {@code transaction.state.log.min.isr} (2 of 3 here): with its partition's ISR
 * down to the coordinator alone, the coordinator writes nothing (clients are told COORDINATOR_NOT_AVAILABLE and
 * retry), and the same commit goes through once a replica is back in sync.
 */
class TransactionStateMinIsrTest extends ThreeBrokerClusterTestBase {
    private static final String TOPIC = "guarded";
    private static final String ID = "guarded-txn";

    @Test
    void theCoordinatorCommitsNothingWhileItsStatePartitionIsBelowMinIsr() throws Exception {
        cluster.createReplicatedTopic(TOPIC, 1, Map.of());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, ID,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 4_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000), new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            int coordinator = statePartition().leader();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, null, "held")).get(30, TimeUnit.SECONDS);

            List<Integer> others = statePartition().replicas().stream().filter(id -> id != coordinator).toList();
            others.forEach(id -> cluster.broker(id).halt());
            await().atMost(Duration.ofSeconds(30)).until(() -> statePartition().isr().equals(List.of(coordinator)));

            assertThatThrownBy(producer::commitTransaction).as("PREPARE_COMMIT cannot be written")
                    .isInstanceOf(TimeoutException.class);

            cluster.startBroker(others.get(0));
            await().atMost(Duration.ofSeconds(30)).until(() -> statePartition().isr().size() >= 2);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(TimeoutException.class)
                    .untilAsserted(producer::commitTransaction); // a timed-out commit may be retried
        }
    }

    private PartitionMetadata statePartition() {
        List<PartitionMetadata> state = cluster.partitions(TransactionStateTopic.NAME);
        return state.get(TransactionStateTopic.partitionFor(ID, state.size()));
    }
}
