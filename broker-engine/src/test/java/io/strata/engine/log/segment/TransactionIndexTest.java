package io.strata.engine.log.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionIndexTest {
    @TempDir
    Path dir;

    /** Aborted at 10 while SECOND, from 5, was still open: the last stable offset stayed at 5. */
    private static final AbortedTxn FIRST = new AbortedTxn(7, 0, 10, 5);
    private static final AbortedTxn SECOND = new AbortedTxn(8, 5, 20, 21);
    private static final AbortedTxn THIRD = new AbortedTxn(9, 25, 30, 31);

    @Test
    void entriesAreWrittenInKafkasLayoutAndReadBackOnOpen() throws IOException {
        Path file = dir.resolve("00000000000000000000.txnindex");
        try (TransactionIndex index = new TransactionIndex(file)) {
            assertThat(Files.exists(file)).as("created on the first entry only").isFalse();
            index.append(FIRST);
            index.append(SECOND);
            index.flush();
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(bytes.remaining()).isEqualTo(2 * TransactionIndex.ENTRY_SIZE);
        assertThat(bytes.getShort()).isZero(); // version
        assertThat(bytes.getLong()).isEqualTo(7); // producer id
        assertThat(bytes.getLong()).isEqualTo(0); // first offset
        assertThat(bytes.getLong()).isEqualTo(10); // last offset
        assertThat(bytes.getLong()).isEqualTo(5); // last stable offset
        try (TransactionIndex reopened = new TransactionIndex(file)) {
            assertThat(reopened.entries()).containsExactly(FIRST, SECOND);
        }
    }

    @Test
    void aTornLastEntryIsDroppedOnOpen() throws IOException {
        Path file = dir.resolve("00000000000000000000.txnindex");
        try (TransactionIndex index = new TransactionIndex(file)) {
            index.append(FIRST);
        }
        Files.write(file, new byte[]{0, 0, 1, 2, 3}, StandardOpenOption.APPEND);
        try (TransactionIndex reopened = new TransactionIndex(file)) {
            assertThat(reopened.entries()).containsExactly(FIRST);
        }
    }

    @Test
    void truncationRemovesTheEntriesWhoseMarkerIsAtOrAfterTheOffset() throws IOException {
        Path file = dir.resolve("00000000000000000000.txnindex");
        try (TransactionIndex index = new TransactionIndex(file)) {
            index.append(FIRST);
            index.append(SECOND);
            index.append(THIRD);
            index.truncateTo(20);
            assertThat(index.entries()).containsExactly(FIRST);
            index.append(THIRD);
        }
        assertThat(Files.size(file)).isEqualTo(2 * TransactionIndex.ENTRY_SIZE);
        try (TransactionIndex reopened = new TransactionIndex(file)) {
            assertThat(reopened.entries()).containsExactly(FIRST, THIRD);
            reopened.reset();
            assertThat(reopened.entries()).isEmpty();
        }
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void aReplayedEntryTheIndexAlreadyHoldsIsNotWrittenAgain() throws IOException {
        Path file = dir.resolve("00000000000000000000.txnindex");
        try (TransactionIndex index = new TransactionIndex(file)) {
            index.append(FIRST);
            index.append(SECOND);
            index.append(FIRST);
            index.append(SECOND);
            assertThat(index.entries()).containsExactly(FIRST, SECOND);
        }
        assertThat(Files.size(file)).isEqualTo(2 * TransactionIndex.ENTRY_SIZE);
    }

    @Test
    void collectFindsOverlappingAbortsAndStopsOnceALastStableOffsetReachesTheUpperBound() throws IOException {
        try (TransactionIndex index = new TransactionIndex(dir.resolve("00000000000000000000.txnindex"))) {
            index.append(FIRST);
            index.append(SECOND);
            index.append(THIRD);
            TransactionIndex.SearchResult upTo6 = index.collect(0, 6);
            assertThat(upTo6.aborted()).containsExactly(FIRST, SECOND);
            assertThat(upTo6.complete()).as("SECOND's last stable offset passed 6").isTrue();
            assertThat(index.collect(11, 26).aborted()).containsExactly(SECOND, THIRD);
            assertThat(index.collect(21, 25).aborted()).isEmpty();
            assertThat(index.collect(31, 100).complete()).isFalse();
        }
    }

    @Test
    void theIndexIsRenamedAndDeletedWithItsSegment() throws IOException {
        io.strata.engine.config.LogConfig config = io.strata.engine.config.LogConfig.defaults();
        LogSegment segment = LogSegment.create(dir, 0, config);
        segment.appendAbortedTxn(FIRST);
        Path live = dir.resolve("00000000000000000000.txnindex");
        assertThat(live).exists();
        segment.renameForDeletion();
        assertThat(live).doesNotExist();
        assertThat(dir.resolve("00000000000000000000.txnindex.deleted")).exists();
        segment.release();
        assertThat(List.of(dir.toFile().list())).isEmpty();
    }
}
