package io.strata.engine.it.cluster;

import io.strata.engine.it.TxnVerificationRequests;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.txn.TransactionStateTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.strata.engine.it.TxnVerificationRequests.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * KIP-890 verification across brokers: the leader of a data partition asks a transaction coordinator on another broker
 * (batched AddPartitionsToTxn v5 over an inter-broker connection) before a transactional batch starts a transaction.
 */
class TransactionVerificationClusterTest extends ThreeBrokerClusterTestBase {
    private static final String TOPIC = "verified-remote";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    private int coordinatorOf(String transactionalId) {
        List<PartitionMetadata> state = cluster.partitions(TransactionStateTopic.NAME);
        return state.get(TransactionStateTopic.partitionFor(transactionalId, state.size())).leader();
    }

    @Test
    void aLeaderVerifiesWithACoordinatorOnAnotherBrokerBeforeATransactionStarts() throws Exception {
        cluster.createReplicatedTopic(TOPIC, 1, Map.of("min.insync.replicas", "2"));
        int leader = cluster.partitions(TOPIC).get(0).leader();
        try (TxnVerificationRequests atLeader = new TxnVerificationRequests(cluster.broker(leader).bootstrapServers())) {
            FindCoordinatorResponse found = atLeader.connection().send(new FindCoordinatorRequest.Builder(
                    new FindCoordinatorRequestData().setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id())
                            .setCoordinatorKeys(List.of("probe"))), (short) 4); // creates __transaction_state
            assertThat(found.coordinatorByKey("probe")).isPresent();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<PartitionMetadata> state = cluster.partitions(TransactionStateTopic.NAME);
                return !state.isEmpty() && state.stream().allMatch(p -> p.leader() >= 0);
            });
            String id = IntStream.range(0, 1000).mapToObj(i -> "remote-" + i)
                    .filter(candidate -> coordinatorOf(candidate) != leader).findFirst().orElseThrow();
            int coordinator = coordinatorOf(id);
            try (TxnVerificationRequests atCoordinator =
                         new TxnVerificationRequests(cluster.broker(coordinator).bootstrapServers())) {
                InitProducerIdResponseData p = atCoordinator.init(id, 60_000);
                PartitionLog log = cluster.broker(leader).replicaManager().partition(P0).orElseThrow().log();

                assertThat(atLeader.produce((short) 10, id, P0, p.producerId(), p.producerEpoch(), 0, "unadded"))
                        .isEqualTo(Errors.INVALID_TXN_STATE);
                assertThat(log.logEndOffset()).isZero();

                assertThat(atCoordinator.addPartition(id, p, P0)).isEqualTo(Errors.NONE);
                assertThat(atLeader.produce((short) 10, id, P0, p.producerId(), p.producerEpoch(), 0, "added"))
                        .isEqualTo(Errors.NONE);
                assertThat(log.producerState().ongoingTransactionCount()).isEqualTo(1);
                assertThat(TxnVerificationRequests.end(atCoordinator.connection(), id, p, false))
                        .isEqualTo(Errors.NONE);
                await().atMost(Duration.ofSeconds(30)).until(() -> log.lastStableOffset() == log.logEndOffset());

                InitProducerIdResponseData next = atCoordinator.init(id, 60_000);
                assertThat(atLeader.produce((short) 12, id, P0, next.producerId(), next.producerEpoch(), 0, "implicit"))
                        .as("produce v12: the leader adds the partition").isEqualTo(Errors.NONE);
                assertThat(atCoordinator.addPartitionsBatched((short) 5, List.of(transaction(id, next.producerId(),
                        next.producerEpoch(), true, List.of(P0))))).isEqualTo(Map.of(id, Map.of(P0, Errors.NONE)));
                assertThat(atLeader.produce((short) 10, id, P0, p.producerId(), p.producerEpoch(), 1, "zombie"))
                        .as("the fenced epoch").isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
            }
        }
    }
}
