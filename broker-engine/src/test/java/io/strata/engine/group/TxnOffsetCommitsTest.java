package io.strata.engine.group;

import io.strata.engine.cluster.Partition;
import io.strata.engine.config.GroupConfig;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transactional offset commits over a real {@code __consumer_offsets} log: pending until the producer's marker,
 * materialised by a commit, dropped by an abort, rebuilt the same way when the partition is loaded again, and
 * treated as Kafka does by OffsetFetch require_stable, group deletion and offset expiry.
 */
class TxnOffsetCommitsTest extends GroupCoordinatorTestBase {
    private static final GroupConfig CONFIG = GroupConfig.defaults().withInitialRebalanceDelayMs(0)
            .withMinSessionTimeoutMs(1_000).withOffsetsTopicReplicationFactor((short) 1);
    private static final TopicPartition TP = new TopicPartition("in", 0);
    private static final long PRODUCER = 4_000;

    private TxnOffsetCommits txn() {
        return support.coordinator.txnOffsets();
    }

    private Errors txnCommit(String group, long producerId, short epoch, long offset) {
        GroupOffsets.CommitResult result = txn().commit(group, producerId, epoch, -1, "", null,
                Map.of(TP, new CommittedOffset(offset, -1, "m" + offset, 0))).join();
        return result.groupError() != Errors.NONE ? result.groupError() : result.partitions().get(TP);
    }

    private void marker(String group, long producerId, short epoch, boolean commit) {
        txn().completeTransaction(support.coordinator.partitionFor(group), producerId, epoch, 0, commit).join();
    }

    private Long fetched(String group) {
        CommittedOffset offset = support.coordinator.offsets().fetch(group, List.of(TP)).join().get(TP);
        return offset == null ? null : offset.offset();
    }

    private boolean unstable(String group) {
        return support.coordinator.offsets().fetch(group, List.of(TP), true).join().unstable().contains(TP);
    }

    @Test
    void pendingOffsetsAreInvisibleUntilTheCommitMarkerMaterialisesThem() throws Exception {
        start(CONFIG);
        assertThat(txnCommit("g", PRODUCER, (short) 0, 10)).isEqualTo(Errors.NONE);

        assertThat(fetched("g")).as("pending, not committed").isNull();
        assertThat(unstable("g")).isTrue();

        marker("g", PRODUCER, (short) 0, true);

        assertThat(fetched("g")).isEqualTo(10);
        assertThat(support.coordinator.offsets().fetch("g", List.of(TP)).join().get(TP).metadata()).isEqualTo("m10");
        assertThat(unstable("g")).isFalse();
    }

    @Test
    void anAbortMarkerDiscardsThePendingOffsetsAndKeepsTheCommittedOne() throws Exception {
        start(CONFIG);
        support.coordinator.offsets().commit("g", -1, "", null, Map.of(TP, new CommittedOffset(5, -1, "", 0))).join();
        txnCommit("g", PRODUCER, (short) 0, 10);
        assertThat(fetched("g")).as("without require_stable: the last committed offset").isEqualTo(5);

        marker("g", PRODUCER, (short) 0, false);

        assertThat(fetched("g")).isEqualTo(5);
        assertThat(unstable("g")).isFalse();
    }

    @Test
    void aRegularCommitWrittenAfterTheTransactionalOneIsNotReplacedByTheCommitMarker() throws Exception {
        start(CONFIG);
        txnCommit("g", PRODUCER, (short) 0, 10);
        support.coordinator.offsets().commit("g", -1, "", null, Map.of(TP, new CommittedOffset(12, -1, "", 0))).join();

        marker("g", PRODUCER, (short) 0, true);

        assertThat(fetched("g")).isEqualTo(12);
    }

    @Test
    void aMarkerForAnotherProducerLeavesThePendingOffsetsPending() throws Exception {
        start(CONFIG);
        txnCommit("g", PRODUCER, (short) 0, 10);

        marker("g", PRODUCER + 1, (short) 0, true);

        assertThat(fetched("g")).isNull();
        assertThat(unstable("g")).isTrue();
    }

    @Test
    void reloadingThePartitionRebuildsCommittedAbortedAndOpenTransactionsFromTheMarkersInTheLog() throws Exception {
        start(CONFIG);
        txnCommit("committed", PRODUCER, (short) 0, 10);
        marker("committed", PRODUCER, (short) 0, true);
        txnCommit("aborted", PRODUCER + 1, (short) 0, 20);
        marker("aborted", PRODUCER + 1, (short) 0, false);
        txnCommit("open", PRODUCER + 2, (short) 0, 30);

        TopicMetadata topic = support.topic();
        support.close();
        support = new GroupCoordinatorTestSupport(dir, CONFIG, topic);
        support.coordinator.startServing();

        assertThat(fetched("committed")).isEqualTo(10);
        assertThat(fetched("aborted")).isNull();
        assertThat(unstable("aborted")).isFalse();
        assertThat(fetched("open")).isNull();
        assertThat(unstable("open")).as("still waiting for its marker").isTrue();

        marker("open", PRODUCER + 2, (short) 0, true);
        assertThat(fetched("open")).isEqualTo(30);
    }

    @Test
    void aMarkerFromANewerProducerEpochFencesTransactionalCommitsOfTheOldOne() throws Exception {
        start(CONFIG);
        txnCommit("g", PRODUCER, (short) 0, 10);
        marker("g", PRODUCER, (short) 1, false); // the coordinator bumped the epoch and aborted

        assertThat(txnCommit("g", PRODUCER, (short) 0, 11)).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThatThrownBy(() -> marker("g", PRODUCER, (short) 0, true)).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(InvalidProducerEpochException.class);
        assertThat(fetched("g")).isNull();
    }

    @Test
    void deletingAnEmptyGroupTombstonesItsPendingOffsetsSoALaterCommitMarkerRestoresNothing() throws Exception {
        start(CONFIG);
        txnCommit("g", PRODUCER, (short) 0, 10);

        assertThat(support.coordinator.offsets().deleteGroup("g").join()).isEqualTo(Errors.NONE);
        assertThat(unstable("g")).isFalse();
        marker("g", PRODUCER, (short) 0, true);

        assertThat(fetched("g")).isNull();
    }

    @Test
    void offsetExpiryKeepsAGroupWithAnOpenTransactionAndAnOffsetWithAPendingOne() throws Exception {
        start(CONFIG);
        TopicPartition other = new TopicPartition("in", 1);
        support.coordinator.offsets().commit("g", -1, "", null, Map.of(TP, new CommittedOffset(5, -1, "", 0),
                other, new CommittedOffset(6, -1, "", 0))).join();
        txnCommit("g", PRODUCER, (short) 0, 10);
        support.time.advance(CONFIG.offsetsRetentionMinutes() * 60_000L);

        support.coordinator.expireOffsets();

        assertThat(support.coordinator.offsets().fetch("g", List.of(other)).join().get(other))
                .as("an offset without a pending one expires").isNull();
        assertThat(fetched("g")).as("the offset with a pending one stays").isEqualTo(5);
        marker("g", PRODUCER, (short) 0, true);
        assertThat(fetched("g")).isEqualTo(10);
    }

    @Test
    void theCommitMarkerTakesEffectOnlyOnceTheFollowerHasIt() throws Exception {
        support = new GroupCoordinatorTestSupport(dir, CONFIG);
        support.replicas = List.of(0, 1);
        support.coordinator.startServing();
        support.coordinator.ensureOffsetsTopic();
        Partition offsets = support.replicaManager.partition(new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME,
                support.coordinator.partitionFor("g"))).orElseThrow();
        CompletableFuture<GroupOffsets.CommitResult> commit = txn().commit("g", PRODUCER, (short) 0, -1, "", null,
                Map.of(TP, new CommittedOffset(10, -1, "", 0)));
        followerFetchesAll(offsets);
        assertThat(commit.join().partitions()).containsEntry(TP, Errors.NONE);

        CompletableFuture<Void> marker = txn().completeTransaction(support.coordinator.partitionFor("g"), PRODUCER,
                (short) 0, 0, true);

        assertThat(marker).as("the marker is not replicated yet").isNotDone();
        assertThat(unstable("g")).isTrue();
        assertThat(fetched("g")).isNull();
        followerFetchesAll(offsets);
        assertThat(marker).isCompleted();
        assertThat(unstable("g")).isFalse();
        assertThat(fetched("g")).isEqualTo(10);
    }

    private void followerFetchesAll(Partition partition) {
        long end = partition.log().logEndOffset();
        partition.updateFollowerFetchState(1, -1, end, end, support.time.milliseconds());
    }

    @Test
    void membersCommitWithTheirGenerationAndStaleOnesAreFenced() throws Exception {
        start(CONFIG);
        JoinGroupResponseData member = support.joinDynamic("g").join();
        support.coordinator.membership().sync(new SyncGroupRequestData().setGroupId("g")
                .setMemberId(member.memberId()).setGenerationId(member.generationId())
                .setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment()
                        .setMemberId(member.memberId()).setAssignment(new byte[0])))).join();
        Map<TopicPartition, CommittedOffset> offsets = Map.of(TP, new CommittedOffset(10, -1, "", 0));

        assertThat(txn().commit("g", PRODUCER, (short) 0, member.generationId() - 1, member.memberId(), null, offsets)
                .join().groupError()).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(txn().commit("g", PRODUCER, (short) 0, member.generationId(), "someone-else", null, offsets)
                .join().groupError()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(txn().commit("g", PRODUCER, (short) 0, member.generationId(), member.memberId(), null, offsets)
                .join().partitions()).containsEntry(TP, Errors.NONE);
        assertThat(txn().commit("g", PRODUCER, (short) 0, -1, "", null, offsets).join().partitions())
                .as("v0-2 carry no member: accepted on a stable group").containsEntry(TP, Errors.NONE);
        assertThat(txn().commit("unknown", PRODUCER, (short) 0, 3, "m", null, offsets).join().groupError())
                .isEqualTo(Errors.ILLEGAL_GENERATION);
    }
}
