package io.strata.engine.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TransactionLogRecordsTest {
    private static final Set<TopicPartition> PARTITIONS = Set.of(new TopicPartition("b", 2),
            new TopicPartition("a", 1), new TopicPartition("a", 0));
    /** Producer 42 epoch 3, previous producer 41, TV2, ongoing on a-0, a-1, b-2; started at 1000, updated at 2000. */
    private static final TxnTransitMetadata ONGOING = new TxnTransitMetadata(42, 41, -1, (short) 3, (short) -1,
            60_000, TransactionState.ONGOING, PARTITIONS, 1_000, 2_000, TransactionVersion.TV_2);

    @Test
    void theKeyIsVersion0AndTheTransactionalId() {
        assertThat(TransactionLogRecords.key("t")).containsExactly(0, 0, 0, 1, 't');
    }

    @Test
    void version0ValuesHaveKafkasClassicLayout() {
        byte[] expected = bytes(
                0, 0,                                   // value version 0
                0, 0, 0, 0, 0, 0, 0, 42,                // ProducerId
                0, 3,                                   // ProducerEpoch
                0, 0, 0xEA, 0x60,                       // TransactionTimeoutMs 60000
                1,                                      // TransactionStatus Ongoing
                0, 0, 0, 2,                             // 2 topics
                0, 1, 'a', 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1,
                0, 1, 'b', 0, 0, 0, 1, 0, 0, 0, 2,
                0, 0, 0, 0, 0, 0, 0x07, 0xD0,           // TransactionLastUpdateTimestampMs 2000
                0, 0, 0, 0, 0, 0, 0x03, 0xE8);          // TransactionStartTimestampMs 1000

        assertThat(TransactionLogRecords.value(ONGOING, (short) 0)).containsExactly(expected);
    }

    @Test
    void version1ValuesHaveKafkasFlexibleLayoutWithTaggedFields() {
        assertThat(TransactionLogRecords.value(ONGOING, (short) 1)).containsExactly(version1Ongoing(false));
    }

    @Test
    void bytesInKafkasLayoutAreReadIncludingTagsThisWriterDoesNotWrite() {
        TransactionLogRecords.Entry entry = TransactionLogRecords.decode(ByteBuffer.wrap(bytes(0, 0, 0, 1, 't')),
                ByteBuffer.wrap(version1Ongoing(true)));

        assertThat(entry.transactionalId()).isEqualTo("t");
        assertThat(entry.value()).isEqualTo(ONGOING);
    }

    @Test
    void emptyTransactionsStoreNullPartitionsAndDefaultTagsAreLeftOut() {
        TxnTransitMetadata empty = new TxnTransitMetadata(7, -1, -1, (short) 0, (short) -1, 1_000,
                TransactionState.EMPTY, Set.of(), -1, 5, TransactionVersion.TV_0);

        byte[] v0 = TransactionLogRecords.value(empty, (short) 0);
        byte[] v1 = TransactionLogRecords.value(empty, (short) 1);

        assertThat(Arrays.copyOfRange(v0, 17, 21)).containsExactly(0xFF, 0xFF, 0xFF, 0xFF);
        assertThat(v1[17]).as("compact null array").isZero();
        assertThat(v1[v1.length - 1]).as("no tagged fields").isZero();
        assertThat(v1).hasSize(v0.length - 4 + 1 + 1);
        assertThat(decodeValue(v0)).isEqualTo(empty);
        assertThat(decodeValue(v1)).isEqualTo(empty);
    }

    @Test
    void everyPersistedStateRoundTripsInVersion1AndVersion0KeepsWhatItHasFieldsFor() {
        for (TransactionState state : TransactionState.values()) {
            if (state == TransactionState.DEAD || state == TransactionState.PREPARE_EPOCH_FENCE) {
                continue;
            }
            Set<TopicPartition> partitions = state == TransactionState.EMPTY ? Set.of() : PARTITIONS;
            TxnTransitMetadata value = new TxnTransitMetadata(Long.MAX_VALUE - 1, 5, 6, Short.MAX_VALUE, (short) -1,
                    Integer.MAX_VALUE, state, partitions, 1, Long.MAX_VALUE, TransactionVersion.TV_1);

            assertThat(decodeValue(TransactionLogRecords.value(value, (short) 1))).isEqualTo(value);
            assertThat(decodeValue(TransactionLogRecords.value(value, (short) 0))).isEqualTo(new TxnTransitMetadata(
                    value.producerId(), -1, -1, value.producerEpoch(), (short) -1, value.txnTimeoutMs(), state,
                    partitions, 1, Long.MAX_VALUE, TransactionVersion.TV_0));
        }
    }

    @Test
    void theValueVersionFollowsTheFinalizedTransactionVersionAndTombstonesHaveNoValue() {
        SimpleRecord tv0 = TransactionLogRecords.transition("t", ONGOING, TransactionVersion.TV_0, 9);
        SimpleRecord tv2 = TransactionLogRecords.transition("t", ONGOING, TransactionVersion.TV_2, 9);
        SimpleRecord tombstone = TransactionLogRecords.tombstone("t", 9);

        List<TransactionLogRecords.Entry> entries = new ArrayList<>();
        for (Record record : MemoryRecords.withRecords(Compression.NONE, tv0, tv2, tombstone).records()) {
            entries.add(TransactionLogRecords.decode(record));
        }
        assertThat(tv0.value().getShort(0)).isZero();
        assertThat(tv2.value().getShort(0)).isEqualTo((short) 1);
        assertThat(entries).extracting(TransactionLogRecords.Entry::transactionalId).containsOnly("t");
        assertThat(entries.get(0).value().clientTransactionVersion()).isEqualTo(TransactionVersion.TV_0);
        assertThat(entries.get(1).value()).isEqualTo(ONGOING);
        assertThat(entries.get(2).value()).isNull();
    }

    @Test
    void statesThatAreNeverPersistedAndEmptyTransactionsWithPartitionsAreRefused() {
        for (TransactionState state : Set.of(TransactionState.DEAD, TransactionState.PREPARE_EPOCH_FENCE)) {
            TxnTransitMetadata value = new TxnTransitMetadata(1, -1, -1, (short) 0, (short) -1, 1, state, Set.of(),
                    -1, 0, TransactionVersion.TV_0);
            assertThatIllegalStateException().isThrownBy(() -> TransactionLogRecords.value(value, (short) 1));
        }
        TxnTransitMetadata emptyWithPartitions = new TxnTransitMetadata(1, -1, -1, (short) 0, (short) -1, 1,
                TransactionState.EMPTY, PARTITIONS, -1, 0, TransactionVersion.TV_0);
        assertThatIllegalStateException().isThrownBy(() -> TransactionLogRecords.value(emptyWithPartitions, (short) 0));
        assertThatIllegalArgumentException().isThrownBy(() -> TransactionLogRecords.value(ONGOING, (short) 2));
    }

    @Test
    void everyTruncationOfAValueIsReportedAsCorrupt() {
        for (short version = 0; version <= 1; version++) {
            byte[] value = TransactionLogRecords.value(ONGOING, version);
            for (int length = 0; length < value.length; length++) {
                byte[] truncated = Arrays.copyOf(value, length);
                assertThatIllegalArgumentException().as("version %d cut at %d", version, length)
                        .isThrownBy(() -> decodeValue(truncated));
            }
        }
    }

    @Test
    void unreadableRecordsAreReportedNotGuessed() {
        byte[] valid = TransactionLogRecords.value(ONGOING, (short) 0);
        byte[] unknownVersion = valid.clone();
        unknownVersion[1] = 2;
        byte[] unknownState = valid.clone();
        unknownState[16] = 9;
        byte[] hugeTopicCount = valid.clone();
        hugeTopicCount[17] = 0x7F;
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);

        for (byte[] value : List.of(unknownVersion, unknownState, hugeTopicCount, trailing)) {
            assertThatIllegalArgumentException().isThrownBy(() -> decodeValue(value));
        }
        assertThatIllegalArgumentException().as("unknown key version").isThrownBy(() -> TransactionLogRecords
                .decode(ByteBuffer.wrap(bytes(0, 1, 0, 1, 't')), null));
        assertThatIllegalArgumentException().as("null transactional id").isThrownBy(() -> TransactionLogRecords
                .decode(ByteBuffer.wrap(bytes(0, 0, 0xFF, 0xFF)), null));
        assertThatIllegalArgumentException().as("unknown client transaction version").isThrownBy(() ->
                decodeValue(withTags(TransactionLogRecords.value(ONGOING, (short) 1), bytes(1, 2, 2, 0, 7))));
        assertThatIllegalArgumentException().as("wrongly sized tag").isThrownBy(() ->
                decodeValue(withTags(TransactionLogRecords.value(ONGOING, (short) 1), bytes(1, 0, 4, 0, 0, 0, 1))));
    }

    /** The version 1 bytes of {@link #ONGOING}, by hand; optionally with a NextProducerEpoch and an unknown tag. */
    private static byte[] version1Ongoing(boolean extraTags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(
                0, 1,                                   // value version 1
                0, 0, 0, 0, 0, 0, 0, 42,                // ProducerId
                0, 3,                                   // ProducerEpoch
                0, 0, 0xEA, 0x60,                       // TransactionTimeoutMs
                1,                                      // TransactionStatus Ongoing
                3,                                      // compact array: 2 topics
                2, 'a', 3, 0, 0, 0, 0, 0, 0, 0, 1, 0,   // compact "a", 2 partitions, no tags
                2, 'b', 2, 0, 0, 0, 2, 0,
                0, 0, 0, 0, 0, 0, 0x07, 0xD0,           // TransactionLastUpdateTimestampMs
                0, 0, 0, 0, 0, 0, 0x03, 0xE8));         // TransactionStartTimestampMs
        if (extraTags) {
            out.writeBytes(bytes(4,                     // 4 tagged fields
                    0, 8, 0, 0, 0, 0, 0, 0, 0, 41,      // tag 0 PreviousProducerId
                    2, 2, 0, 2,                         // tag 2 ClientTransactionVersion
                    3, 2, 0, 5,                         // tag 3 NextProducerEpoch (KIP-939): skipped
                    9, 1, 0x55));                       // tag 9, unknown: skipped
        } else {
            out.writeBytes(bytes(2,
                    0, 8, 0, 0, 0, 0, 0, 0, 0, 41,
                    2, 2, 0, 2));
        }
        return out.toByteArray();
    }

    /** Replaces the tagged-field section of a version 1 {@link #ONGOING} value. */
    private static byte[] withTags(byte[] value, byte[] tags) {
        int fixed = version1Ongoing(false).length - 15;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(value, 0, fixed);
        out.writeBytes(tags);
        return out.toByteArray();
    }

    private static TxnTransitMetadata decodeValue(byte[] value) {
        return TransactionLogRecords.decode(ByteBuffer.wrap(TransactionLogRecords.key("t")), ByteBuffer.wrap(value))
                .value();
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
