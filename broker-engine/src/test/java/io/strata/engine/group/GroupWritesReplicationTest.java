package io.strata.engine.group;

import io.strata.engine.cluster.Partition;
import io.strata.engine.config.GroupConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offsets topic has a second replica (broker 1) in its ISR that fetches only when the test says so: group
 * writes are answered only once it has them, and fetches see only what it has.
 */
class GroupWritesReplicationTest extends GroupCoordinatorTestBase {
    private static final GroupConfig CONFIG = GroupConfig.defaults().withInitialRebalanceDelayMs(0)
            .withMinSessionTimeoutMs(1_000).withOffsetsTopicReplicationFactor((short) 1);

    @Test
    void syncGroupAndOffsetCommitAreAnsweredOnlyOnceTheFollowerHasTheirRecords() throws Exception {
        support = new GroupCoordinatorTestSupport(dir, CONFIG);
        support.replicas = List.of(0, 1);
        support.coordinator.startServing();
        support.coordinator.ensureOffsetsTopic();
        JoinGroupResponseData leader = support.joinDynamic("g").join(); // the join phase writes nothing
        Partition offsets = offsetsPartitionOf("g");

        CompletableFuture<SyncGroupResponseData> sync = support.coordinator.membership().sync(new SyncGroupRequestData()
                .setGroupId("g").setMemberId(leader.memberId()).setGenerationId(leader.generationId())
                .setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment()
                        .setMemberId(leader.memberId()).setAssignment(new byte[]{4}))));
        assertThat(sync).as("the new generation is not replicated yet").isNotDone();
        followerFetchesAll(offsets);
        assertThat(sync).isDone();
        assertThat(sync.join().assignment()).containsExactly(4);

        TopicPartition tp = new TopicPartition("t", 0);
        CompletableFuture<GroupOffsets.CommitResult> commit = support.coordinator.offsets().commit("g", 1,
                leader.memberId(), null, Map.of(tp, new CommittedOffset(42, -1, "", 0)));
        assertThat(commit).isNotDone();
        assertThat(support.coordinator.offsets().fetch("g", List.of(tp)).join().get(tp))
                .as("an uncommitted offset is not visible").isNull();

        followerFetchesAll(offsets);

        assertThat(commit.join().partitions()).containsEntry(tp, Errors.NONE);
        assertThat(support.coordinator.offsets().fetch("g", List.of(tp)).join().get(tp).offset()).isEqualTo(42);
    }

    @Test
    void deletingAGroupWhileACommitIsStillBeingReplicatedDeletesThatOffsetToo() throws Exception {
        support = new GroupCoordinatorTestSupport(dir, CONFIG);
        support.replicas = List.of(0, 1);
        support.coordinator.startServing();
        support.coordinator.ensureOffsetsTopic();
        Partition offsets = offsetsPartitionOf("standalone");
        TopicPartition tp = new TopicPartition("t", 0);
        CompletableFuture<GroupOffsets.CommitResult> commit = support.coordinator.offsets().commit("standalone", -1,
                "", null, Map.of(tp, new CommittedOffset(7, -1, "", 0)));

        CompletableFuture<Errors> deleted = support.coordinator.offsets().deleteGroup("standalone");
        followerFetchesAll(offsets);

        assertThat(commit.join().partitions()).containsEntry(tp, Errors.NONE);
        assertThat(deleted.join()).isEqualTo(Errors.NONE);
        assertThat(support.coordinator.describe("standalone").join().error()).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        var topic = support.topic();
        support.close();
        support = new GroupCoordinatorTestSupport(dir, CONFIG, topic);
        support.coordinator.startServing();
        assertThat(support.coordinator.offsets().fetch("standalone", null).join())
                .as("the tombstone covers the offset that was still in flight").isEmpty();
    }

    private Partition offsetsPartitionOf(String group) {
        int index = support.coordinator.partitionFor(group);
        return support.replicaManager.partition(new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, index)).orElseThrow();
    }

    private void followerFetchesAll(Partition partition) {
        long end = partition.log().logEndOffset();
        partition.updateFollowerFetchState(1, -1, end, end, support.time.milliseconds());
    }
}
