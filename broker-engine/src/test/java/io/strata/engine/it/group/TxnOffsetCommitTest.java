package io.strata.engine.it.group;

import io.strata.engine.it.BrokerFixture;
import io.strata.engine.it.BrokerTestBase;
import io.strata.engine.it.RawKafkaConnection;
import io.strata.engine.it.TxnRequests;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TxnOffsetCommit with raw requests, before there is a transaction coordinator: the producer id comes from a
 * non-transactional InitProducerId and the transaction is ended by a WriteTxnMarkers request to the group's
 * {@code __consumer_offsets} partition, as the transaction coordinator would send it. OffsetFetch with and without
 * require_stable, a read_committed consumer's committed offsets, and a restart that replays the markers.
 */
class TxnOffsetCommitTest extends BrokerTestBase {
    private static final String TOPIC = "in";
    private static final String GROUP = "copier";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final short TXN_OFFSET_COMMIT_VERSION = 3; // carries generation and member id
    private static final short OFFSET_FETCH_VERSION = 8; // batched form, topics by name

    /** The group's offsets partition: where its markers go. */
    private static TopicPartition offsetsPartition() {
        return new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, Utils.abs(GROUP.hashCode()) % 50);
    }

    private static Errors txnOffsetCommit(RawKafkaConnection c, long producerId, long offset) throws Exception {
        TxnOffsetCommitRequestData data = new TxnOffsetCommitRequestData().setTransactionalId("raw-txn")
                .setGroupId(GROUP).setProducerId(producerId).setProducerEpoch((short) 0)
                .setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName(TOPIC)
                        .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(offset).setCommittedMetadata("txn")))));
        TxnOffsetCommitResponse response = c.send(TxnOffsetCommitRequest.Builder.forTopicNames(data, false),
                TXN_OFFSET_COMMIT_VERSION);
        return Errors.forCode(response.data().topics().get(0).partitions().get(0).errorCode());
    }

    /** The partition's answer to OffsetFetch; retried while the coordinator loads (after a restart). */
    private static OffsetFetchResponseData.OffsetFetchResponsePartitions fetch(RawKafkaConnection c,
                                                                              boolean requireStable) {
        AtomicReference<OffsetFetchResponseData.OffsetFetchResponseGroup> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            OffsetFetchRequestData data = new OffsetFetchRequestData().setRequireStable(requireStable)
                    .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(GROUP)
                            .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(TOPIC)
                                    .setPartitionIndexes(List.of(0))))));
            OffsetFetchResponse response = c.send(OffsetFetchRequest.Builder.forTopicIdsOrNames(data, true),
                    OFFSET_FETCH_VERSION);
            OffsetFetchResponseData.OffsetFetchResponseGroup group = response.data().groups().get(0);
            answer.set(group);
            return group.errorCode() != Errors.COORDINATOR_LOAD_IN_PROGRESS.code();
        });
        assertThat(Errors.forCode(answer.get().errorCode())).isEqualTo(Errors.NONE);
        return answer.get().topics().get(0).partitions().get(0);
    }

    private static void assertCommitted(RawKafkaConnection c, long offset) {
        var stable = fetch(c, true);
        assertThat(Errors.forCode(stable.errorCode())).isEqualTo(Errors.NONE);
        assertThat(stable.committedOffset()).isEqualTo(offset);
        assertThat(fetch(c, false).committedOffset()).isEqualTo(offset);
    }

    private static void assertUnstable(RawKafkaConnection c, long lastCommitted) {
        var stable = fetch(c, true);
        assertThat(Errors.forCode(stable.errorCode())).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT);
        assertThat(stable.committedOffset()).isEqualTo(-1);
        var any = fetch(c, false);
        assertThat(Errors.forCode(any.errorCode())).isEqualTo(Errors.NONE);
        assertThat(any.committedOffset()).as("without require_stable: the last committed offset").isEqualTo(lastCommitted);
    }

    @Test
    void offsetsCommittedInATransactionAppearWithItsCommitMarkerAndSurviveARestartWhileAbortedOnesNeverDo()
            throws Exception {
        fixture = BrokerFixture.start(dataDir);
        fixture.createTopic(fixture.admin(), TOPIC, 1, Map.of());
        fixture.admin().listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(); // creates the topic
        long open;
        try (TxnRequests txn = new TxnRequests(fixture.bootstrapServers());
             RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            long committing = txn.initProducerId();
            long aborting = txn.initProducerId();
            open = txn.initProducerId();

            assertThat(txnOffsetCommit(c, committing, 10)).isEqualTo(Errors.NONE);
            assertUnstable(c, -1);
            assertThat(txn.writeMarker(offsetsPartition(), committing, (short) 0, true, 0)).isEqualTo(Errors.NONE);
            assertCommitted(c, 10);

            assertThat(txnOffsetCommit(c, aborting, 20)).isEqualTo(Errors.NONE);
            assertUnstable(c, 10);
            assertThat(txn.writeMarker(offsetsPartition(), aborting, (short) 0, false, 0, (short) 1))
                    .isEqualTo(Errors.NONE);
            assertCommitted(c, 10);

            assertThat(txnOffsetCommit(c, open, 30)).isEqualTo(Errors.NONE);
            assertUnstable(c, 10);
        }

        fixture.halt(); // a crash: what was acknowledged is on disk
        fixture.restart();

        try (TxnRequests txn = new TxnRequests(fixture.bootstrapServers());
             RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            assertUnstable(c, 10); // the commit replayed, the abort dropped, the open one still pending
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    txn.writeMarker(offsetsPartition(), open, (short) 0, true, 0) == Errors.NONE);
            assertCommitted(c, 30);
        }
        try (KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(TP), Duration.ofSeconds(30));
            assertThat(committed.get(TP).offset()).as("a read_committed consumer (require_stable)").isEqualTo(30);
            assertThat(committed.get(TP).metadata()).isEqualTo("txn");
        }
    }

    @Test
    void aMarkerFromAnOlderProducerEpochIsRefusedOnTheOffsetsPartition() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        fixture.createTopic(fixture.admin(), TOPIC, 1, Map.of());
        fixture.admin().listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
        try (TxnRequests txn = new TxnRequests(fixture.bootstrapServers());
             RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            long producer = txn.initProducerId();
            assertThat(txnOffsetCommit(c, producer, 10)).isEqualTo(Errors.NONE);
            assertThat(txn.writeMarker(offsetsPartition(), producer, (short) 1, false, 3)).isEqualTo(Errors.NONE);

            assertThat(txn.writeMarker(offsetsPartition(), producer, (short) 0, true, 3))
                    .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
            assertThat(txn.writeMarker(offsetsPartition(), producer, (short) 1, true, 2))
                    .isEqualTo(Errors.TRANSACTION_COORDINATOR_FENCED);
            assertThat(txnOffsetCommit(c, producer, 11)).as("epoch 0 is fenced").isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
            assertCommitted(c, -1);
        }
    }
}
