package io.strata.engine.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.ByteUtils;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Key and value layouts of the records the transaction coordinator keeps in {@code __transaction_state}, as
 * Kafka's schemas {@code TransactionLogKey} (v0) and {@code TransactionLogValue} (v0, v1) define them, so tools
 * that decode the topic read ours and ours read theirs. Each is prefixed by its int16 version.
 * <pre>
 * key   v0: version int16 = 0, TransactionalId string (int16 length + UTF-8)
 * value v0: ProducerId int64, ProducerEpoch int16, TransactionTimeoutMs int32, TransactionStatus int8,
 *           TransactionPartitions nullable array (int32 count, -1 = null) of [Topic string, PartitionIds
 *           int32 array], TransactionLastUpdateTimestampMs int64, TransactionStartTimestampMs int64
 * value v1: the same fields in flexible encoding (compact strings and arrays as unsigned varint length + 1,
 *           0 = null; each partitions entry ends with its empty tagged-field section), then tagged fields in tag
 *           order, each written only when not its default: 0 PreviousProducerId int64 (-1), 1 NextProducerId
 *           int64 (-1), 2 ClientTransactionVersion int16 (0), 3 NextProducerEpoch int16 (-1; KIP-939, never
 *           written here, skipped on read like unknown tags)
 * </pre>
 * A null value is a tombstone: the id expired. Empty transactions store null partitions, as Kafka does.
 * Partitions are written sorted by topic and partition so equal metadata gives equal bytes. Decoding checks
 * every length against the bytes left; a record it cannot read is reported (IllegalArgumentException), not
 * guessed. Stateless and thread-safe.
 */
public final class TransactionLogRecords {
    static final short KEY_VERSION = 0;
    static final short HIGHEST_VALUE_VERSION = 1;
    private static final int TAG_PREVIOUS_PRODUCER_ID = 0;
    private static final int TAG_NEXT_PRODUCER_ID = 1;
    private static final int TAG_CLIENT_TRANSACTION_VERSION = 2;

    private TransactionLogRecords() {
    }

    /** A decoded record: the id and its value, null for a tombstone. */
    public record Entry(String transactionalId, TxnTransitMetadata value) {
    }

    /**
     * The record persisting a transition. The value version follows the finalized {@code transaction.version}
     * (v1 from level 1 on), not the client's, so brokers of a cluster that has not enabled it read the topic.
     */
    public static SimpleRecord transition(String transactionalId, TxnTransitMetadata transit,
                                          TransactionVersion finalizedVersion, long now) {
        return new SimpleRecord(now, key(transactionalId), value(transit, finalizedVersion.logValueVersion()));
    }

    /** The tombstone removing an expired transactional id. */
    public static SimpleRecord tombstone(String transactionalId, long now) {
        return new SimpleRecord(now, key(transactionalId), null);
    }

    public static byte[] key(String transactionalId) {
        Writer w = new Writer();
        w.putShort(KEY_VERSION);
        w.putString(transactionalId);
        return w.bytes();
    }

    public static byte[] value(TxnTransitMetadata transit, short version) {
        if (version < 0 || version > HIGHEST_VALUE_VERSION) {
            throw new IllegalArgumentException("Unknown transaction log value version " + version);
        }
        TransactionState state = transit.txnState();
        if (state == TransactionState.DEAD || state == TransactionState.PREPARE_EPOCH_FENCE) {
            throw new IllegalStateException(state + " is never persisted (a dead id is a tombstone)");
        }
        if (state == TransactionState.EMPTY && !transit.topicPartitions().isEmpty()) {
            throw new IllegalStateException("An Empty transaction cannot have partitions: " + transit);
        }
        boolean flexible = version >= 1;
        Writer w = new Writer();
        w.putShort(version);
        w.putLong(transit.producerId());
        w.putShort(transit.producerEpoch());
        w.putInt(transit.txnTimeoutMs());
        w.putByte(state.id());
        writePartitions(w, state == TransactionState.EMPTY ? null : byTopic(transit.topicPartitions()), flexible);
        w.putLong(transit.txnLastUpdateTimestamp());
        w.putLong(transit.txnStartTimestamp());
        if (flexible) {
            writeTaggedFields(w, transit);
        }
        return w.bytes();
    }

    public static Entry decode(Record record) {
        if (!record.hasKey()) {
            throw new IllegalArgumentException("Record at offset " + record.offset() + " has no key");
        }
        return decode(record.key(), record.hasValue() ? record.value() : null);
    }

    /** Decodes a key and its value (null for a tombstone); the buffers' positions move. */
    public static Entry decode(ByteBuffer key, ByteBuffer value) {
        try {
            short keyVersion = key.getShort();
            if (keyVersion != KEY_VERSION) {
                throw new IllegalArgumentException("Unknown transaction log key version " + keyVersion);
            }
            String transactionalId = readString(key);
            if (transactionalId == null) {
                throw new IllegalArgumentException("Transaction log key without a transactional id");
            }
            requireConsumed(key, "key");
            return new Entry(transactionalId, value == null ? null : readValue(value));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("Truncated transaction log record", e);
        }
    }

    private static Map<String, Set<Integer>> byTopic(Set<TopicPartition> partitions) {
        Map<String, Set<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition());
        }
        return byTopic;
    }

    private static void writePartitions(Writer w, Map<String, Set<Integer>> byTopic, boolean flexible) {
        if (byTopic == null) {
            w.putArrayLength(-1, flexible);
            return;
        }
        w.putArrayLength(byTopic.size(), flexible);
        for (Map.Entry<String, Set<Integer>> topic : byTopic.entrySet()) {
            if (flexible) {
                w.putCompactString(topic.getKey());
            } else {
                w.putString(topic.getKey());
            }
            w.putArrayLength(topic.getValue().size(), flexible);
            topic.getValue().forEach(w::putInt);
            if (flexible) {
                w.putUnsignedVarint(0); // the entry's tagged fields: none
            }
        }
    }

    private static void writeTaggedFields(Writer w, TxnTransitMetadata transit) {
        boolean previous = transit.prevProducerId() != TransactionMetadata.NO_PRODUCER_ID;
        boolean next = transit.nextProducerId() != TransactionMetadata.NO_PRODUCER_ID;
        boolean version = transit.clientTransactionVersion() != TransactionVersion.TV_0;
        w.putUnsignedVarint((previous ? 1 : 0) + (next ? 1 : 0) + (version ? 1 : 0));
        if (previous) {
            w.putUnsignedVarint(TAG_PREVIOUS_PRODUCER_ID);
            w.putUnsignedVarint(Long.BYTES);
            w.putLong(transit.prevProducerId());
        }
        if (next) {
            w.putUnsignedVarint(TAG_NEXT_PRODUCER_ID);
            w.putUnsignedVarint(Long.BYTES);
            w.putLong(transit.nextProducerId());
        }
        if (version) {
            w.putUnsignedVarint(TAG_CLIENT_TRANSACTION_VERSION);
            w.putUnsignedVarint(Short.BYTES);
            w.putShort(transit.clientTransactionVersion().featureLevel());
        }
    }

    private static TxnTransitMetadata readValue(ByteBuffer value) {
        short version = value.getShort();
        if (version < 0 || version > HIGHEST_VALUE_VERSION) {
            throw new IllegalArgumentException("Unknown transaction log value version " + version);
        }
        boolean flexible = version >= 1;
        long producerId = value.getLong();
        short producerEpoch = value.getShort();
        int timeoutMs = value.getInt();
        TransactionState state = TransactionState.fromId(value.get());
        Set<TopicPartition> partitions = readPartitions(value, flexible);
        long lastUpdate = value.getLong();
        long start = value.getLong();
        long previousProducerId = TransactionMetadata.NO_PRODUCER_ID;
        long nextProducerId = TransactionMetadata.NO_PRODUCER_ID;
        TransactionVersion clientVersion = TransactionVersion.TV_0;
        if (flexible) {
            int count = readCount(value, 2);
            int lastTag = -1;
            for (int i = 0; i < count; i++) {
                int tag = ByteUtils.readUnsignedVarint(value);
                int size = ByteUtils.readUnsignedVarint(value);
                if (tag <= lastTag || size > value.remaining()) {
                    throw new IllegalArgumentException("Malformed tagged field " + tag + " of " + size + " bytes");
                }
                lastTag = tag;
                switch (tag) {
                    case TAG_PREVIOUS_PRODUCER_ID -> previousProducerId = readTaggedLong(value, tag, size);
                    case TAG_NEXT_PRODUCER_ID -> nextProducerId = readTaggedLong(value, tag, size);
                    case TAG_CLIENT_TRANSACTION_VERSION -> {
                        requireSize(tag, size, Short.BYTES);
                        clientVersion = TransactionVersion.fromFeatureLevel(value.getShort());
                    }
                    default -> value.position(value.position() + size); // NextProducerEpoch (KIP-939), or newer
                }
            }
        }
        requireConsumed(value, "value");
        // The last epoch is not persisted: after a load a retry with it is treated as fenced, as in Kafka.
        return new TxnTransitMetadata(producerId, previousProducerId, nextProducerId, producerEpoch,
                TransactionMetadata.NO_PRODUCER_EPOCH, timeoutMs, state, partitions, start, lastUpdate, clientVersion);
    }

    private static Set<TopicPartition> readPartitions(ByteBuffer value, boolean flexible) {
        int topics = readArrayLength(value, flexible, 3); // a topic entry takes at least 3 bytes
        if (topics < 0) {
            return Set.of();
        }
        Set<TopicPartition> partitions = new HashSet<>();
        for (int t = 0; t < topics; t++) {
            String topic = flexible ? readCompactString(value) : readString(value);
            if (topic == null) {
                throw new IllegalArgumentException("Null topic in transaction partitions");
            }
            int count = readArrayLength(value, flexible, Integer.BYTES);
            if (count < 0) {
                throw new IllegalArgumentException("Null partition ids of topic " + topic);
            }
            for (int p = 0; p < count; p++) {
                partitions.add(new TopicPartition(topic, value.getInt()));
            }
            if (flexible) {
                skipTaggedFields(value);
            }
        }
        return partitions;
    }

    private static void skipTaggedFields(ByteBuffer buffer) {
        int count = readCount(buffer, 2);
        for (int i = 0; i < count; i++) {
            ByteUtils.readUnsignedVarint(buffer);
            int size = ByteUtils.readUnsignedVarint(buffer);
            if (size > buffer.remaining()) {
                throw new BufferUnderflowException();
            }
            buffer.position(buffer.position() + size);
        }
    }

    private static long readTaggedLong(ByteBuffer value, int tag, int size) {
        requireSize(tag, size, Long.BYTES);
        return value.getLong();
    }

    private static void requireSize(int tag, int size, int expected) {
        if (size != expected) {
            throw new IllegalArgumentException("Tagged field " + tag + " has " + size + " bytes, expected " + expected);
        }
    }

    /** An array length, -1 for null; a count beyond what the bytes left can hold is corrupt, not an allocation. */
    private static int readArrayLength(ByteBuffer buffer, boolean flexible, int minEntryBytes) {
        int length = flexible ? ByteUtils.readUnsignedVarint(buffer) - 1 : buffer.getInt();
        if (length < -1 || (long) length * minEntryBytes > buffer.remaining()) {
            throw new IllegalArgumentException("Array of " + length + " entries in " + buffer.remaining() + " bytes");
        }
        return length;
    }

    private static int readCount(ByteBuffer buffer, int minEntryBytes) {
        int count = ByteUtils.readUnsignedVarint(buffer);
        if ((long) count * minEntryBytes > buffer.remaining()) {
            throw new IllegalArgumentException(count + " tagged fields in " + buffer.remaining() + " bytes");
        }
        return count;
    }

    private static void requireConsumed(ByteBuffer buffer, String what) {
        if (buffer.hasRemaining()) {
            throw new IllegalArgumentException(buffer.remaining() + " unexpected bytes after the transaction log "
                    + what);
        }
    }

    private static String readString(ByteBuffer buffer) {
        return readUtf8(buffer, buffer.getShort());
    }

    private static String readCompactString(ByteBuffer buffer) {
        return readUtf8(buffer, ByteUtils.readUnsignedVarint(buffer) - 1);
    }

    private static String readUtf8(ByteBuffer buffer, int length) {
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

    /** Big-endian writer of the classic and flexible field encodings. */
    private static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream out = new DataOutputStream(bytes);

        void putByte(byte v) {
            run(() -> out.writeByte(v));
        }

        void putShort(int v) {
            run(() -> out.writeShort(v));
        }

        void putInt(int v) {
            run(() -> out.writeInt(v));
        }

        void putLong(long v) {
            run(() -> out.writeLong(v));
        }

        void putUnsignedVarint(int v) {
            run(() -> ByteUtils.writeUnsignedVarint(v, out));
        }

        /** Classic: int32 count, -1 for null. Flexible: unsigned varint count + 1, 0 for null. */
        void putArrayLength(int length, boolean flexible) {
            if (flexible) {
                putUnsignedVarint(length + 1);
            } else {
                putInt(length);
            }
        }

        void putString(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("String of " + utf8.length + " bytes is too long");
            }
            putShort(utf8.length);
            run(() -> out.write(utf8));
        }

        void putCompactString(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("String of " + utf8.length + " bytes is too long");
            }
            putUnsignedVarint(utf8.length + 1);
            run(() -> out.write(utf8));
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        private void run(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
