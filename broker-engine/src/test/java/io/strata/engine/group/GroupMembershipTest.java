package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class GroupMembershipTest extends GroupCoordinatorTestBase {
    private static final GroupConfig CONFIG = GroupConfig.defaults().withInitialRebalanceDelayMs(0)
            .withMinSessionTimeoutMs(1_000).withOffsetsTopicReplicationFactor((short) 1);

    @Test
    void firstJoinWithoutIdIsAskedToComeBackWithTheIdItWasGiven() throws Exception {
        start(CONFIG);

        JoinGroupResponseData first = support.join(GroupCoordinatorTestSupport.joinRequest("g", "", null, new byte[]{1})).join();

        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith("client-");
        JoinGroupResponseData second = support.join(
                GroupCoordinatorTestSupport.joinRequest("g", first.memberId(), null, new byte[]{1})).join();
        assertThat(Errors.forCode(second.errorCode())).isEqualTo(Errors.NONE);
        assertThat(second.generationId()).isEqualTo(1);
        assertThat(second.leader()).isEqualTo(first.memberId());
        assertThat(second.members()).extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId)
                .containsExactly(first.memberId());
    }

    @Test
    void aSecondMemberRebalancesTheGroupAndOnlyTheLeaderGetsTheMemberList() throws Exception {
        start(CONFIG);
        JoinGroupResponseData leader = support.joinDynamic("g").join();
        sync(leader, Map.of(leader.memberId(), new byte[]{7}));

        CompletableFuture<JoinGroupResponseData> follower = support.joinDynamic("g");
        assertThat(follower).isNotDone();
        assertThat(support.coordinator.membership().heartbeat("g", leader.memberId(), null, 1).join())
                .isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinGroupResponseData rejoined = support.join(
                GroupCoordinatorTestSupport.joinRequest("g", leader.memberId(), null, new byte[]{1})).join();

        assertThat(follower).isDone();
        assertThat(rejoined.generationId()).isEqualTo(2);
        assertThat(rejoined.members()).hasSize(2);
        assertThat(follower.join().members()).isEmpty();
        assertThat(follower.join().leader()).isEqualTo(leader.memberId());
    }

    @Test
    void followersWaitForTheLeadersAssignment() throws Exception {
        start(CONFIG);
        JoinGroupResponseData leader = support.joinDynamic("g").join();
        sync(leader, Map.of(leader.memberId(), new byte[0]));
        CompletableFuture<JoinGroupResponseData> follower = support.joinDynamic("g");
        JoinGroupResponseData leaderAgain = support.join(
                GroupCoordinatorTestSupport.joinRequest("g", leader.memberId(), null, new byte[]{1})).join();
        String followerId = follower.join().memberId();

        CompletableFuture<SyncGroupResponseData> followerSync = support.coordinator.membership().sync(
                new SyncGroupRequestData().setGroupId("g").setMemberId(followerId).setGenerationId(2));
        assertThat(followerSync).isNotDone();
        sync(leaderAgain, Map.of(leader.memberId(), new byte[]{1}, followerId, new byte[]{2}));

        assertThat(followerSync.join().assignment()).containsExactly(2);
        assertThat(support.coordinator.describe("g").join().state()).isEqualTo("Stable");
    }

    @Test
    void aMemberWhoseSessionExpiresIsRemovedAndTheGroupRebalances() throws Exception {
        start(CONFIG);
        JoinGroupResponseData a = support.joinDynamic("g").join();
        sync(a, Map.of(a.memberId(), new byte[0]));
        CompletableFuture<JoinGroupResponseData> b = support.joinDynamic("g");
        JoinGroupResponseData a2 = support.join(GroupCoordinatorTestSupport.joinRequest("g", a.memberId(), null, new byte[]{1})).join();
        sync(a2, Map.of(a.memberId(), new byte[0], b.join().memberId(), new byte[0]));

        // a keeps heartbeating, b goes silent past its 10 s session.
        for (int i = 0; i < 12; i++) {
            support.time.advance(1_000);
            assertThat(support.coordinator.membership().heartbeat("g", a.memberId(), null, 2).join()).isIn(Errors.NONE,
                    Errors.REBALANCE_IN_PROGRESS);
            support.coordinator.sweep();
        }

        assertThat(support.coordinator.describe("g").join().state()).isEqualTo("PreparingRebalance");
        JoinGroupResponseData a3 = support.join(GroupCoordinatorTestSupport.joinRequest("g", a.memberId(), null, new byte[]{1})).join();
        assertThat(a3.generationId()).isEqualTo(3);
        assertThat(a3.members()).extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId)
                .containsExactly(a.memberId());
    }

    @Test
    void aMemberThatDoesNotRejoinWithinTheRebalanceTimeoutIsDropped() throws Exception {
        start(CONFIG);
        JoinGroupResponseData a = support.joinDynamic("g").join();
        sync(a, Map.of(a.memberId(), new byte[0]));
        CompletableFuture<JoinGroupResponseData> b = support.joinDynamic("g");

        support.time.advance(30_000); // a's rebalance timeout; a heartbeats but never rejoins
        support.coordinator.membership().heartbeat("g", a.memberId(), null, 1).join();
        support.coordinator.sweep();

        assertThat(b).isDone();
        assertThat(b.join().generationId()).isEqualTo(2);
        assertThat(b.join().leader()).isEqualTo(b.join().memberId());
        assertThat(support.coordinator.membership().heartbeat("g", a.memberId(), null, 1).join())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aRestartedStaticMemberTakesOverWithoutRebalanceAndFencesItsOldIncarnation() throws Exception {
        start(CONFIG);
        JoinGroupResponseData first = support.join(
                GroupCoordinatorTestSupport.joinRequest("g", "", "instance-1", new byte[]{1})).join();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.NONE);
        sync(first, Map.of(first.memberId(), new byte[]{5}));

        // The new incarnation's subscription bytes differ (no owned partitions); the selected protocol does not.
        JoinGroupResponseData restarted = support.join(
                GroupCoordinatorTestSupport.joinRequest("g", "", "instance-1", new byte[]{2})).join();

        assertThat(restarted.generationId()).isEqualTo(1);
        assertThat(restarted.memberId()).isNotEqualTo(first.memberId());
        assertThat(restarted.skipAssignment()).isTrue();
        assertThat(support.coordinator.membership().heartbeat("g", first.memberId(), "instance-1", 1).join())
                .isEqualTo(Errors.FENCED_INSTANCE_ID);
        SyncGroupResponseData sync = support.coordinator.membership().sync(new SyncGroupRequestData()
                .setGroupId("g").setMemberId(restarted.memberId()).setGroupInstanceId("instance-1")
                .setGenerationId(1)).join();
        assertThat(sync.assignment()).containsExactly(5);
    }

    @Test
    void adminCommitsAreRefusedWhileTheGroupHasMembers() throws Exception {
        start(CONFIG);
        JoinGroupResponseData a = support.joinDynamic("g").join();
        sync(a, Map.of(a.memberId(), new byte[0]));
        TopicPartition tp = new TopicPartition("t", 0);

        GroupOffsets.CommitResult admin = support.coordinator.offsets().commit("g", -1, "", null,
                Map.of(tp, new CommittedOffset(5, -1, "", 0))).join();
        GroupOffsets.CommitResult member = support.coordinator.offsets().commit("g", 1, a.memberId(), null,
                Map.of(tp, new CommittedOffset(9, -1, "", 0))).join();
        GroupOffsets.CommitResult stale = support.coordinator.offsets().commit("g", 0, a.memberId(), null,
                Map.of(tp, new CommittedOffset(11, -1, "", 0))).join();

        assertThat(admin.groupError()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(member.partitions()).containsEntry(tp, Errors.NONE);
        assertThat(stale.groupError()).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(support.coordinator.offsets().fetch("g", List.of(tp)).join().get(tp).offset()).isEqualTo(9);
    }

    @Test
    void groupsAndOffsetsAreRebuiltFromTheLogAfterARestart() throws Exception {
        start(CONFIG);
        JoinGroupResponseData a = support.joinDynamic("g").join();
        sync(a, Map.of(a.memberId(), new byte[]{3}));
        TopicPartition kept = new TopicPartition("t", 0);
        TopicPartition deleted = new TopicPartition("t", 1);
        support.coordinator.offsets().commit("g", 1, a.memberId(), null, Map.of(
                kept, new CommittedOffset(100, 4, "meta", 0), deleted, new CommittedOffset(7, -1, "", 0))).join();
        support.coordinator.membership().leave("g", List.of(new GroupMembership.Leaving(a.memberId(), null, null))).join();
        support.coordinator.offsets().deleteOffsets("g", List.of(deleted)).join();
        support.coordinator.offsets().commit("standalone", -1, "", null, Map.of(kept, new CommittedOffset(1, -1, "", 0))).join();
        var topic = support.topic();
        support.close();

        support = new GroupCoordinatorTestSupport(dir, CONFIG, topic);
        support.coordinator.startServing();
        assertThat(support.coordinator.isLoading()).isFalse();

        assertThat(support.coordinator.offsets().fetch("g", null).join())
                .containsOnlyKeys(kept)
                .extractingByKey(kept).isEqualTo(new CommittedOffset(100, 4, "meta",
                        support.coordinator.offsets().fetch("g", null).join().get(kept).commitTimestamp()));
        GroupCoordinator.GroupDescription g = support.coordinator.describe("g").join();
        assertThat(g.state()).isEqualTo("Empty");
        assertThat(g.protocolType()).isEqualTo("consumer");
        assertThat(support.coordinator.list().join()).extracting(GroupCoordinator.ListedGroup::groupId)
                .containsExactly("g", "standalone");
        // The generation continues: a new member joins generation 3 (1 = a, 2 = empty after a left).
        assertThat(support.joinDynamic("g").join().generationId()).isEqualTo(3);
    }

    @Test
    void emptyGroupsLoseTheirOffsetsAfterTheRetentionPeriod() throws Exception {
        start(CONFIG);
        TopicPartition tp = new TopicPartition("t", 0);
        support.coordinator.offsets().commit("standalone", -1, "", null, Map.of(tp, new CommittedOffset(1, -1, "", 0))).join();
        support.time.advance(CONFIG.offsetsRetentionMinutes() * 60_000L - 1);
        expireAll();
        assertThat(support.coordinator.offsets().fetch("standalone", null).join()).containsOnlyKeys(tp);

        support.time.advance(1);
        expireAll();
        assertThat(support.coordinator.offsets().fetch("standalone", null).join()).isEmpty();
        assertThat(support.coordinator.describe("standalone").join().error()).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void deletingATopicDropsItsOffsetsFromEveryGroupDurably() throws Exception {
        start(CONFIG);
        TopicPartition deleted = new TopicPartition("deleted", 0);
        TopicPartition kept = new TopicPartition("kept", 0);
        support.coordinator.offsets().commit("a", -1, "", null, Map.of(deleted, new CommittedOffset(1, -1, "", 0),
                kept, new CommittedOffset(2, -1, "", 0))).join();
        support.coordinator.offsets().commit("b", -1, "", null, Map.of(deleted, new CommittedOffset(3, -1, "", 0))).join();

        support.coordinator.onTopicDeleted("deleted");

        assertThat(support.coordinator.offsets().fetch("a", null).join()).containsOnlyKeys(kept);
        assertThat(support.coordinator.offsets().fetch("b", null).join()).isEmpty();
        var topic = support.topic();
        support.close();
        support = new GroupCoordinatorTestSupport(dir, CONFIG, topic);
        support.coordinator.startServing();
        assertThat(support.coordinator.offsets().fetch("a", null).join()).containsOnlyKeys(kept);
        assertThat(support.coordinator.offsets().fetch("b", null).join()).isEmpty();
    }

    @Test
    void groupsOfAPartitionStillLoadingAnswerLoadInProgress() throws Exception {
        start(CONFIG);
        TopicPartition tp = new TopicPartition("t", 0);
        support.coordinator.offsets().commit("g", -1, "", null, Map.of(tp, new CommittedOffset(8, -1, "", 0))).join();
        var topic = support.topic();
        support.close();
        support = new GroupCoordinatorTestSupport(dir, CONFIG, topic);
        support.pool.hold();

        support.coordinator.startServing();

        assertThat(support.coordinator.isLoading()).isTrue();
        assertThat(Errors.forCode(support.join(GroupCoordinatorTestSupport.joinRequest("g", "", null, new byte[]{1}))
                .join().errorCode())).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> support.coordinator.offsets().fetch("g", null).join())
                .hasCauseInstanceOf(org.apache.kafka.common.errors.CoordinatorLoadInProgressException.class);
        assertThat(support.coordinator.describe("g").join().error()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);

        support.pool.release();

        assertThat(support.coordinator.isLoading()).isFalse();
        assertThat(support.coordinator.offsets().fetch("g", List.of(tp)).join().get(tp).offset()).isEqualTo(8);
    }

    @Test
    void aStableConsumerGroupLosesOnlyOffsetsOfTopicsItNoLongerSubscribesTo() throws Exception {
        start(CONFIG);
        byte[] subscription = subscription("kept");
        JoinGroupResponseData required = support.join(GroupCoordinatorTestSupport.joinRequest("g", "", null, subscription)).join();
        JoinGroupResponseData a = support.join(
                GroupCoordinatorTestSupport.joinRequest("g", required.memberId(), null, subscription)).join();
        sync(a, Map.of(a.memberId(), new byte[0]));
        TopicPartition kept = new TopicPartition("kept", 0);
        TopicPartition dropped = new TopicPartition("dropped", 0);
        support.coordinator.offsets().commit("g", 1, a.memberId(), null, Map.of(
                kept, new CommittedOffset(1, -1, "", 0), dropped, new CommittedOffset(2, -1, "", 0))).join();

        support.time.advance(CONFIG.offsetsRetentionMinutes() * 60_000L);
        support.coordinator.membership().heartbeat("g", a.memberId(), null, 1).join();
        expireAll();

        assertThat(support.coordinator.offsets().fetch("g", null).join()).containsOnlyKeys(kept);
    }

    private static byte[] subscription(String topic) {
        java.nio.ByteBuffer buffer = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(
                new org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription(List.of(topic)));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private void expireAll() {
        support.coordinator.expireOffsets();
    }

    private void sync(JoinGroupResponseData leader, Map<String, byte[]> assignments) {
        SyncGroupRequestData request = new SyncGroupRequestData().setGroupId("g").setMemberId(leader.memberId())
                .setGenerationId(leader.generationId());
        assignments.forEach((member, bytes) -> request.assignments().add(
                new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(member).setAssignment(bytes)));
        SyncGroupResponseData response = support.coordinator.membership().sync(request).join();
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
    }
}
