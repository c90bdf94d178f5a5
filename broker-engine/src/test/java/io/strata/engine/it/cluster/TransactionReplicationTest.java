package io.strata.engine.it.cluster;

import io.strata.engine.cluster.Partition;
import io.strata.engine.config.BrokerConfig;
import io.strata.engine.it.BrokerFixture;
import io.strata.engine.it.TxnRequests;
import io.strata.engine.log.segment.AbortedTxn;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transactions on a replicated partition: followers apply replicated markers to their producer state and
 * aborted-transaction index, so after the leader dies the new leader keeps the last stable offset at the open
 * transaction and read_committed consumers still drop the aborted records.
 */
class TransactionReplicationTest extends ThreeBrokerClusterTestBase {
    private static final String TOPIC = "txn-replicated";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    /** Transactional batches go in as raw requests without a coordinator: leaders must not verify them (KIP-890). */
    @Override
    UnaryOperator<BrokerConfig> brokerConfig() {
        return BrokerFixture::withoutPartitionVerification;
    }

    @Test
    void followersIndexAbortsSoANewLeaderKeepsFilteringThem() throws Exception {
        cluster.createReplicatedTopic(TOPIC, 1, Map.of("min.insync.replicas", "2"));
        int leader = cluster.partitions(TOPIC).get(0).leader();
        long aborted;
        long open;
        try (TxnRequests txn = new TxnRequests(cluster.broker(leader).bootstrapServers())) {
            aborted = txn.initProducerId();
            open = txn.initProducerId();
            assertThat(txn.produce(TP, aborted, (short) 0, 0, "a0", "a1")).isEqualTo(Errors.NONE); // 0-1
            assertThat(txn.produce(TP, open, (short) 0, 0, "o0")).isEqualTo(Errors.NONE); // 2
            assertThat(txn.writeMarker(TP, aborted, (short) 0, false, 1)).isEqualTo(Errors.NONE); // 3
        }
        AbortedTxn expected = new AbortedTxn(aborted, 0, 3, 2);
        for (int id = 1; id <= 3; id++) {
            Partition replica = cluster.broker(id).replicaManager().partition(TP).orElseThrow();
            await().atMost(SETTLE).until(() -> replica.log().logEndOffset() == 4);
            assertThat(replica.abortedTransactions(0, 4)).as("broker " + id).containsExactly(expected);
            assertThat(replica.log().producerState().firstUnstableOffset()).hasValue(2);
        }

        cluster.broker(leader).halt();
        await().atMost(SETTLE).until(() -> {
            int now = cluster.partitions(TOPIC).get(0).leader();
            return now >= 0 && now != leader;
        });
        int newLeader = cluster.partitions(TOPIC).get(0).leader();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(TP));
            await().atMost(SETTLE).until(() -> consumer.endOffsets(List.of(TP)).get(TP) == 2L);
            assertThat(BrokerFixture.pollUntilEnd(consumer, Map.of(TP, 2L), SETTLE).get(TP)).isEmpty();
            try (TxnRequests txn = new TxnRequests(cluster.broker(newLeader).bootstrapServers())) {
                assertThat(txn.writeMarker(TP, open, (short) 0, true, 1)).isEqualTo(Errors.NONE); // 4
            }
            assertThat(BrokerFixture.pollUntilEnd(consumer, Map.of(TP, 5L), SETTLE).get(TP))
                    .extracting(ConsumerRecord::value).containsExactly("o0");
        }
        cluster.startBroker(leader);
    }
}
