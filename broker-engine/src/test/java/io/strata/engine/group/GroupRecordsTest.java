package io.strata.engine.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupRecordsTest {
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void offsetCommitRoundTripsWithEpochAndMetadata() {
        TopicPartition tp = new TopicPartition("orders", 7);
        Record record = single(GroupRecords.offsetCommit("g1", tp, new CommittedOffset(42, 3, "why", NOW), NOW));

        GroupRecords.Entry entry = GroupRecords.decode(record);

        assertThat(entry).isEqualTo(new GroupRecords.OffsetEntry("g1", tp, new CommittedOffset(42, 3, "why", NOW)));
    }

    @Test
    void keyLayoutIsKafkasOffsetCommitKeyVersion1() {
        Record record = single(GroupRecords.offsetCommit("g", new TopicPartition("t", 1),
                new CommittedOffset(0, -1, "", NOW), NOW));
        ByteBuffer key = record.key();

        assertThat(key.getShort()).isEqualTo((short) 1);
        assertThat(key.getShort()).isEqualTo((short) 1);
        assertThat(key.get()).isEqualTo((byte) 'g');
        assertThat(key.getShort()).isEqualTo((short) 1);
        assertThat(key.get()).isEqualTo((byte) 't');
        assertThat(key.getInt()).isEqualTo(1);
        assertThat(key.hasRemaining()).isFalse();
    }

    @Test
    void tombstonesDecodeToNullValues() {
        TopicPartition tp = new TopicPartition("orders", 0);
        assertThat(GroupRecords.decode(single(GroupRecords.offsetTombstone("g1", tp, NOW))))
                .isEqualTo(new GroupRecords.OffsetEntry("g1", tp, null));
        assertThat(GroupRecords.decode(single(GroupRecords.groupTombstone("g1", NOW))))
                .isEqualTo(new GroupRecords.GroupEntry("g1", null));
    }

    @Test
    void groupMetadataRoundTripsMembersWithStaticIdsAndAssignments() {
        GroupRecords.MemberValue member = new GroupRecords.MemberValue("m-1", "instance-a", "client", "/127.0.0.1",
                300_000, 10_000, new byte[]{1, 2, 3}, new byte[]{9});
        GroupRecords.MemberValue dynamic = new GroupRecords.MemberValue("m-2", null, "client", "/127.0.0.1",
                300_000, 10_000, new byte[0], new byte[0]);
        GroupRecords.GroupValue value = new GroupRecords.GroupValue("consumer", 5, "range", "m-1", NOW,
                List.of(member, dynamic));

        GroupRecords.GroupEntry entry = (GroupRecords.GroupEntry) GroupRecords.decode(
                single(GroupRecords.groupMetadata("g1", value, NOW)));

        GroupRecords.GroupValue decoded = entry.value();
        assertThat(decoded.protocolType()).isEqualTo("consumer");
        assertThat(decoded.generation()).isEqualTo(5);
        assertThat(decoded.protocol()).isEqualTo("range");
        assertThat(decoded.leader()).isEqualTo("m-1");
        assertThat(decoded.members()).hasSize(2);
        assertThat(decoded.members().get(0).groupInstanceId()).isEqualTo("instance-a");
        assertThat(decoded.members().get(0).subscription()).containsExactly(1, 2, 3);
        assertThat(decoded.members().get(0).assignment()).containsExactly(9);
        assertThat(decoded.members().get(1).groupInstanceId()).isNull();
    }

    @Test
    void aHugeMemberCountIsRejectedWithoutAllocating() {
        ByteBuffer value = ByteBuffer.allocate(64);
        value.putShort((short) 3).putShort((short) 0).putInt(1).putShort((short) -1).putShort((short) -1)
                .putLong(NOW).putInt(Integer.MAX_VALUE).flip();
        Record record = single(new SimpleRecord(NOW, groupKey("g"), toArray(value)));

        assertThatThrownBy(() -> GroupRecords.decode(record))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("members");
    }

    @Test
    void aTruncatedKeyIsReportedAsCorrupt() {
        Record record = single(new SimpleRecord(NOW, new byte[]{0, 1, 0, 9, 'x'}, new byte[0]));

        assertThatThrownBy(() -> GroupRecords.decode(record))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Truncated");
    }

    @Test
    void unknownKeyVersionsAreSkippable() {
        Record record = single(new SimpleRecord(NOW, new byte[]{0, 9, 0, 0}, new byte[0]));

        assertThat(GroupRecords.decode(record)).isEqualTo(new GroupRecords.UnknownEntry((short) 9));
    }

    private static byte[] groupKey(String group) {
        ByteBuffer key = ByteBuffer.allocate(4 + group.length());
        key.putShort((short) 2).putShort((short) group.length()).put(group.getBytes());
        return key.array();
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Record single(SimpleRecord record) {
        List<Record> records = new ArrayList<>();
        MemoryRecords.withRecords(Compression.NONE, record).records().forEach(records::add);
        assertThat(records).hasSize(1);
        return records.get(0);
    }
}
