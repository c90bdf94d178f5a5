package io.strata.engine.group;

import io.strata.engine.coordinator.CoordinatorSerde;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Key and value layouts of the records the group coordinator keeps in {@code __consumer_offsets}. They
 * follow the classic layouts Kafka documents for that topic (offset commit key v1 / value v3, group
 * metadata key v2 / value v3), so tools that decode the topic read ours. A null value is a tombstone.
 * Decoding checks every length against the bytes left; a record it cannot read is reported, not guessed.
 */
public final class GroupRecords {
    static final short OFFSET_KEY_VERSION = 1;
    static final short GROUP_KEY_VERSION = 2;
    static final short OFFSET_VALUE_VERSION = 3;
    static final short GROUP_VALUE_VERSION = 3;

    private GroupRecords() {
    }

    /** A member as persisted with its group. */
    public record MemberValue(String memberId, String groupInstanceId, String clientId, String clientHost,
                              int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }

    /** A group's membership as persisted after each completed rebalance. */
    public record GroupValue(String protocolType, int generation, String protocol, String leader,
                             long stateTimestamp, List<MemberValue> members) {
    }

    /** A decoded record: which key it is and its value, null for a tombstone. */
    public sealed interface Entry permits OffsetEntry, GroupEntry, UnknownEntry {
    }

    public record OffsetEntry(String group, TopicPartition partition, CommittedOffset value) implements Entry {
    }

    public record GroupEntry(String group, GroupValue value) implements Entry {
    }

    /** A key version this coordinator does not write (e.g. KIP-848 records); skipped on load. */
    public record UnknownEntry(short keyVersion) implements Entry {
    }

    public static SimpleRecord offsetCommit(String group, TopicPartition tp, CommittedOffset offset, long now) {
        return new SimpleRecord(now, offsetKey(group, tp), offsetValue(offset));
    }

    public static SimpleRecord offsetTombstone(String group, TopicPartition tp, long now) {
        return new SimpleRecord(now, offsetKey(group, tp), null);
    }

    public static SimpleRecord groupMetadata(String group, GroupValue value, long now) {
        return new SimpleRecord(now, groupKey(group), groupValue(value));
    }

    public static SimpleRecord groupTombstone(String group, long now) {
        return new SimpleRecord(now, groupKey(group), null);
    }

    /** The log record of an entry, stamped {@code now}: the inverse of {@link #decode}. */
    public static SimpleRecord encode(Entry entry, long now) {
        if (entry instanceof OffsetEntry o) {
            return o.value() == null ? offsetTombstone(o.group(), o.partition(), now)
                    : offsetCommit(o.group(), o.partition(), o.value(), now);
        }
        if (entry instanceof GroupEntry g) {
            return g.value() == null ? groupTombstone(g.group(), now) : groupMetadata(g.group(), g.value(), now);
        }
        throw new IllegalArgumentException("The group coordinator does not write " + entry);
    }

    /** The records of {@code __consumer_offsets} as the coordinator runtime reads and writes them. */
    static final CoordinatorSerde<Entry> SERDE = new CoordinatorSerde<>() {
        @Override
        public SimpleRecord serialize(Entry record, long nowMs) {
            return encode(record, nowMs);
        }

        @Override
        public Entry deserialize(Record record) {
            return decode(record);
        }
    };

    public static Entry decode(Record record) {
        if (!record.hasKey()) {
            throw new IllegalArgumentException("Record at offset " + record.offset() + " has no key");
        }
        ByteBuffer key = record.key();
        ByteBuffer value = record.hasValue() ? record.value() : null;
        try {
            short keyVersion = key.getShort();
            if (keyVersion == 0 || keyVersion == OFFSET_KEY_VERSION) {
                String group = readString(key);
                TopicPartition tp = new TopicPartition(readString(key), key.getInt());
                return new OffsetEntry(group, tp, value == null ? null : readOffsetValue(value));
            }
            if (keyVersion == GROUP_KEY_VERSION) {
                String group = readString(key);
                return new GroupEntry(group, value == null ? null : readGroupValue(value));
            }
            return new UnknownEntry(keyVersion);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("Truncated group record at offset " + record.offset(), e);
        }
    }

    private static byte[] offsetKey(String group, TopicPartition tp) {
        Writer w = new Writer();
        w.putShort(OFFSET_KEY_VERSION);
        w.putString(group);
        w.putString(tp.topic());
        w.putInt(tp.partition());
        return w.bytes();
    }

    private static byte[] groupKey(String group) {
        Writer w = new Writer();
        w.putShort(GROUP_KEY_VERSION);
        w.putString(group);
        return w.bytes();
    }

    private static byte[] offsetValue(CommittedOffset offset) {
        Writer w = new Writer();
        w.putShort(OFFSET_VALUE_VERSION);
        w.putLong(offset.offset());
        w.putInt(offset.leaderEpoch());
        w.putString(offset.metadata());
        w.putLong(offset.commitTimestamp());
        return w.bytes();
    }

    private static byte[] groupValue(GroupValue group) {
        Writer w = new Writer();
        w.putShort(GROUP_VALUE_VERSION);
        w.putString(group.protocolType() == null ? "" : group.protocolType());
        w.putInt(group.generation());
        w.putString(group.protocol());
        w.putString(group.leader());
        w.putLong(group.stateTimestamp());
        w.putInt(group.members().size());
        for (MemberValue m : group.members()) {
            w.putString(m.memberId());
            w.putString(m.groupInstanceId());
            w.putString(m.clientId());
            w.putString(m.clientHost());
            w.putInt(m.rebalanceTimeoutMs());
            w.putInt(m.sessionTimeoutMs());
            w.putBytes(m.subscription());
            w.putBytes(m.assignment());
        }
        return w.bytes();
    }

    private static CommittedOffset readOffsetValue(ByteBuffer value) {
        short version = value.getShort();
        long offset = value.getLong();
        int leaderEpoch = -1;
        if (version >= 3) {
            leaderEpoch = value.getInt();
        }
        String metadata = readString(value);
        long commitTimestamp = value.getLong();
        if (version < 0 || version > OFFSET_VALUE_VERSION) {
            throw new IllegalArgumentException("Unknown offset commit value version " + version);
        }
        return new CommittedOffset(offset, leaderEpoch, metadata, commitTimestamp);
    }

    private static GroupValue readGroupValue(ByteBuffer value) {
        short version = value.getShort();
        if (version != GROUP_VALUE_VERSION) {
            throw new IllegalArgumentException("Unsupported group metadata value version " + version);
        }
        String protocolType = readString(value);
        int generation = value.getInt();
        String protocol = readString(value);
        String leader = readString(value);
        long stateTimestamp = value.getLong();
        int count = value.getInt();
        // Each member takes at least 28 bytes; a count beyond what is left is corrupt, not an allocation.
        if (count < 0 || (long) count * 28 > value.remaining()) {
            throw new IllegalArgumentException("Group metadata declares " + count + " members in "
                    + value.remaining() + " bytes");
        }
        List<MemberValue> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(new MemberValue(readString(value), readString(value), readString(value), readString(value),
                    value.getInt(), value.getInt(), readBytes(value), readBytes(value)));
        }
        return new GroupValue(protocolType, generation, protocol, leader, stateTimestamp, List.copyOf(members));
    }

    private static String readString(ByteBuffer buffer) {
        short length = buffer.getShort();
        if (length < 0) {
            return null;
        }
        if (length > buffer.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0) {
            return new byte[0];
        }
        if (length > buffer.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    /** Big-endian writer of the classic (non-flexible) field encodings. */
    private static final class Writer {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64);

        void putShort(int v) {
            out.write(v >>> 8);
            out.write(v);
        }

        void putInt(int v) {
            putShort(v >>> 16);
            putShort(v);
        }

        void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }

        void putString(String s) {
            if (s == null) {
                putShort(-1);
                return;
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("String of " + bytes.length + " bytes is too long");
            }
            putShort(bytes.length);
            out.writeBytes(bytes);
        }

        void putBytes(byte[] bytes) {
            putInt(bytes.length);
            out.writeBytes(bytes);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
