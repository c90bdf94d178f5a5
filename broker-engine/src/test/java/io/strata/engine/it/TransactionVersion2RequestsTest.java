package io.strata.engine.it;

import io.strata.engine.config.TransactionConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transaction version 2 (KIP-890 part 2) at the coordinator with raw requests: EndTxn v5 bumps the epoch on every
 * commit and abort and answers the epoch to continue with, its retries are answered as Kafka does, the markers (now
 * carrying the bumped epoch) make the data readable in read_committed; TxnOffsetCommit v5 adds the group's offsets
 * partition to the transaction without AddOffsetsToTxn.
 */
class TransactionVersion2RequestsTest extends BrokerTestBase {
    private static final String TOPIC = "tv2";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final String GROUP = "tv2-group";
    private static final short END_TXN_V5 = 5;

    private void startBroker() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(), c -> c.withTransactions(TransactionConfig.defaults()
                .withStateLogReplicationFactor((short) 1).withStateLogNumPartitions(1)));
        fixture.createTopic(fixture.admin(), TOPIC, 1, Map.of());
    }

    private static InitProducerIdResponseData init(RawKafkaConnection c, String id) throws Exception {
        FindCoordinatorResponse coordinator = c.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id()).setKey(id)), (short) 3);
        assertThat(coordinator.error()).as("creates __transaction_state").isEqualTo(Errors.NONE);
        AtomicReference<InitProducerIdResponseData> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> { // the first call may find the partition loading
            InitProducerIdResponse response = c.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(id).setTransactionTimeoutMs(30_000)), (short) 5);
            answer.set(response.data());
            return response.error() != Errors.COORDINATOR_LOAD_IN_PROGRESS
                    && response.error() != Errors.CONCURRENT_TRANSACTIONS;
        });
        assertThat(Errors.forCode(answer.get().errorCode())).isEqualTo(Errors.NONE);
        return answer.get();
    }

    private static EndTxnResponseData end(RawKafkaConnection c, String id, long producerId, short epoch,
                                          boolean commit) throws Exception {
        EndTxnResponse response = c.send(new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(id)
                .setProducerId(producerId).setProducerEpoch(epoch).setCommitted(commit), true), END_TXN_V5);
        return response.data();
    }

    /** Repeats an EndTxn while the previous end's markers are still being written. */
    private static EndTxnResponseData endOnceSettled(RawKafkaConnection c, String id, long producerId, short epoch,
                                                     boolean commit) {
        AtomicReference<EndTxnResponseData> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            answer.set(end(c, id, producerId, epoch, commit));
            return answer.get().errorCode() != Errors.CONCURRENT_TRANSACTIONS.code();
        });
        return answer.get();
    }

    private static void assertAnswer(EndTxnResponseData answer, Errors error, long producerId, int epoch) {
        assertThat(Errors.forCode(answer.errorCode())).isEqualTo(error);
        assertThat(answer.producerId()).isEqualTo(producerId);
        assertThat(answer.producerEpoch()).isEqualTo((short) epoch);
    }

    @Test
    void endTxnV5BumpsTheEpochOnEveryEndAnswersRetriesAsKafkaAndTheCommitMarkerMakesTheDataReadable()
            throws Exception {
        startBroker();
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers());
             TxnRequests data = new TxnRequests(fixture.bootstrapServers())) {
            InitProducerIdResponseData p = init(c, "tv2-end");
            long id = p.producerId();
            AddPartitionsToTxnResponse added = c.send(AddPartitionsToTxnRequest.Builder.forClient("tv2-end", id,
                    p.producerEpoch(), List.of(TP)), (short) 3);
            assertThat(added.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID).get(TP))
                    .isEqualTo(Errors.NONE);
            assertThat(data.produce("tv2-end", TP, id, p.producerEpoch(), 0, "committed")).isEqualTo(Errors.NONE);

            assertAnswer(end(c, "tv2-end", id, p.producerEpoch(), true), Errors.NONE, id, p.producerEpoch() + 1);
            assertAnswer(endOnceSettled(c, "tv2-end", id, p.producerEpoch(), true), Errors.NONE, id,
                    p.producerEpoch() + 1);
            assertAnswer(end(c, "tv2-end", id, p.producerEpoch(), false), Errors.INVALID_TXN_STATE, -1, -1);

            short next = (short) (p.producerEpoch() + 1);
            assertAnswer(end(c, "tv2-end", id, next, false), Errors.NONE, id, next + 1);
            assertAnswer(endOnceSettled(c, "tv2-end", id, (short) (next + 3), false), Errors.PRODUCER_FENCED, -1, -1);
            assertAnswer(end(c, "tv2-end", id + 1000, next, false), Errors.INVALID_PRODUCER_ID_MAPPING, -1, -1);
        }
        try (KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            List<ConsumerRecord<String, String>> records = BrokerFixture.readAll(consumer, List.of(TP),
                    Duration.ofSeconds(30)).get(TP);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("committed");
        }
    }

    private static Errors txnOffsetCommit(RawKafkaConnection c, String id, long producerId, short epoch, long offset)
            throws Exception {
        TxnOffsetCommitRequestData data = new TxnOffsetCommitRequestData().setTransactionalId(id)
                .setGroupId(GROUP).setProducerId(producerId).setProducerEpoch(epoch)
                .setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName(TOPIC)
                        .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(offset)))));
        TxnOffsetCommitResponse response = c.send(TxnOffsetCommitRequest.Builder.forTopicNames(data, true),
                (short) 5);
        return Errors.forCode(response.data().topics().get(0).partitions().get(0).errorCode());
    }

    private static OffsetFetchResponseData.OffsetFetchResponsePartitions stableOffset(RawKafkaConnection c)
            throws Exception {
        OffsetFetchRequestData data = new OffsetFetchRequestData().setRequireStable(true)
                .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(GROUP)
                        .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(TOPIC)
                                .setPartitionIndexes(List.of(0))))));
        OffsetFetchResponse response = c.send(OffsetFetchRequest.Builder.forTopicIdsOrNames(data, true), (short) 8);
        return response.data().groups().get(0).topics().get(0).partitions().get(0);
    }

    @Test
    void txnOffsetCommitV5AddsTheOffsetsPartitionToTheTransactionAndTheCommitMaterialisesTheOffsets()
            throws Exception {
        startBroker();
        fixture.admin().listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(); // creates the topic
        TopicPartition offsets = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME,
                Utils.abs(GROUP.hashCode()) % 50);
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            InitProducerIdResponseData p = init(c, "tv2-offsets");
            long id = p.producerId();
            short epoch = p.producerEpoch();

            assertThat(txnOffsetCommit(c, "tv2-offsets", id, epoch, 10)).isEqualTo(Errors.NONE);
            TransactionDescription txn = fixture.admin().describeTransactions(List.of("tv2-offsets"))
                    .description("tv2-offsets").get();
            assertThat(txn.topicPartitions()).as("added without AddOffsetsToTxn").containsExactly(offsets);
            assertThat(Errors.forCode(stableOffset(c).errorCode())).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT);

            assertAnswer(end(c, "tv2-offsets", id, epoch, true), Errors.NONE, id, epoch + 1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                OffsetFetchResponseData.OffsetFetchResponsePartitions stable = stableOffset(c);
                assertThat(Errors.forCode(stable.errorCode())).isEqualTo(Errors.NONE);
                assertThat(stable.committedOffset()).isEqualTo(10);
            });

            assertThat(txnOffsetCommit(c, "tv2-offsets", id, epoch, 20)).as("the epoch before the bump is fenced")
                    .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
            assertThat(txnOffsetCommit(c, "tv2-offsets", id, (short) (epoch + 1), 20)).isEqualTo(Errors.NONE);
            assertAnswer(end(c, "tv2-offsets", id, (short) (epoch + 1), false), Errors.NONE, id, epoch + 2);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                OffsetFetchResponseData.OffsetFetchResponsePartitions stable = stableOffset(c);
                assertThat(Errors.forCode(stable.errorCode())).isEqualTo(Errors.NONE);
                assertThat(stable.committedOffset()).as("the aborted offset is dropped").isEqualTo(10);
            });
        }
    }
}
