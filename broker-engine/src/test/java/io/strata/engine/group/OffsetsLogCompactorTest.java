package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import io.strata.engine.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetsLogCompactorTest extends GroupCoordinatorTestBase {
    /** 1 KiB segments (the minimum): a dozen commits roll a segment. */
    private static final GroupConfig CONFIG = new GroupConfig(GroupCoordinatorTestSupport.PARTITIONS, (short) 1, 1024,
            0, 1_000, 1_800_000, Integer.MAX_VALUE, 4096, 7 * 24 * 60, 600_000);

    @Test
    void repeatedCommitsStayBoundedAndTheLatestStateSurvivesARestart() throws Exception {
        start(CONFIG);
        JoinGroupResponseData member = support.joinDynamic("busy").join();
        SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId("busy").setMemberId(member.memberId())
                .setGenerationId(member.generationId());
        sync.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                .setMemberId(member.memberId()).setAssignment(new byte[]{7}));
        assertThat(Errors.forCode(support.coordinator.membership().sync(sync).join().errorCode())).isEqualTo(Errors.NONE);
        TopicPartition tp = new TopicPartition("t", 0);
        TopicPartition gone = new TopicPartition("t", 1);
        for (int i = 1; i <= 300; i++) {
            support.coordinator.offsets().commit("busy", member.generationId(), member.memberId(), null,
                    Map.of(tp, new CommittedOffset(i, -1, "m" + i, 0)));
        }
        support.coordinator.offsets().commit("busy", member.generationId(), member.memberId(), null,
                Map.of(gone, new CommittedOffset(5, -1, "", 0)));
        // A group of the same partition, deleted before the compaction: its records and tombstones go with it.
        String deletedGroup = samePartitionGroup("busy");
        support.coordinator.offsets().commit(deletedGroup, -1, "", null, Map.of(tp, new CommittedOffset(1, -1, "", 0)));
        assertThat(support.coordinator.offsets().deleteGroup(deletedGroup)).isEqualTo(Errors.NONE);
        PartitionLog busyLog = logOf("busy");
        int before = busyLog.segmentCount();
        assertThat(before).isGreaterThanOrEqualTo(OffsetsLogCompactor.SEGMENTS_BEFORE_REWRITE);

        support.coordinator.compactOffsetsLog();

        assertThat(busyLog.segmentCount()).isLessThan(before).isLessThanOrEqualTo(2);
        assertThat(busyLog.logStartOffset()).isGreaterThan(0);
        var topic = support.topic();
        support.close();
        support = new GroupCoordinatorTestSupport(dir, CONFIG, topic);
        support.coordinator.startServing(Runnable::run);

        Map<TopicPartition, CommittedOffset> offsets = support.coordinator.offsets().fetch("busy", null);
        assertThat(offsets).containsOnlyKeys(tp, gone);
        assertThat(offsets.get(tp).offset()).isEqualTo(300);
        assertThat(offsets.get(tp).metadata()).isEqualTo("m300");
        GroupCoordinator.GroupDescription busy = support.coordinator.describe("busy");
        assertThat(busy.state()).isEqualTo("Stable");
        assertThat(busy.members()).singleElement().satisfies(m -> assertThat(m.assignment()).containsExactly(7));
        assertThat(support.coordinator.describe(deletedGroup).error()).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    private String samePartitionGroup(String group) {
        for (int i = 0; ; i++) {
            String candidate = "deleted-" + i;
            if (support.coordinator.partitionFor(candidate) == support.coordinator.partitionFor(group)) {
                return candidate;
            }
        }
    }

    private PartitionLog logOf(String group) {
        int partition = support.coordinator.partitionFor(group);
        return support.replicaManager.partition(GroupLog.topicPartition(partition)).orElseThrow().log();
    }
}
