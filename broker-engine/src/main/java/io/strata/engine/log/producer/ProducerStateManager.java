package io.strata.engine.log.producer;

import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.log.segment.AbortedTxn;
import io.strata.engine.log.segment.BatchHeader;
import io.strata.engine.log.validation.AppendOrigin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Per-partition state of idempotent and transactional producers: each producer id's epoch, its last five
 * batches (sequence range, offsets, timestamp) for duplicate detection and sequence checks, the first offset of
 * its open transaction and the epoch of the coordinator that wrote its last marker. A transactional batch opens a
 * transaction; a commit or abort marker closes it, and an abort is handed back for the segment's {@code .txnindex}.
 * Open transactions, and completed ones whose marker the high watermark has not passed, hold back the last stable
 * offset ({@link TransactionTracker}).
 *
 * <p>Rebuilt on open from the latest {@code <offset>.snapshot} plus the batch headers after it; snapshots are
 * written when a segment rolls and on clean close, so a restart scans at most the active segment.
 *
 * <p>KIP-890 part 1: a leader that verified a transactional producer with its coordinator holds a
 * {@link VerificationGuard} from {@link #startVerification}; a client's transactional batch that would start a
 * transaction here is appended only with the guard still pending ({@link PendingVerifications}).
 *
 * <p>Threading: changes happen on the log's append path (under its lock) and while loading; methods are
 * synchronized so request threads can query producers and start verifications. {@link #firstUnstableOffset(long)} is lock-free, since
 * every fetch asks for it.
 */
public final class ProducerStateManager {
    private static final Logger log = LoggerFactory.getLogger(ProducerStateManager.class);

    /** Batches remembered per producer: the producer keeps at most five in flight. */
    static final int RETAINED_BATCHES = 5;
    /** Kafka's producer.id.expiration.ms default: idle producers without an open transaction are forgotten. */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000L;
    private static final int SNAPSHOTS_KEPT = 2;

    /** A batch written by a producer. */
    public record ProducerBatch(int firstSequence, int lastSequence, long firstOffset, long lastOffset, long timestamp) {
    }

    /** A read-only view of a producer's state. */
    public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp,
                                 OptionalLong currentTxnFirstOffset, int coordinatorEpoch) {
    }

    private final TopicPartition topicPartition;
    private final Path dir;
    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();
    /** Ids of producers expired since start, newest last, bounded: they may resume mid-sequence. */
    private final java.util.LinkedHashSet<Long> expired = new java.util.LinkedHashSet<>();
    private static final int EXPIRED_IDS_KEPT = 10_000;
    private final TransactionTracker txns = new TransactionTracker();
    private final PendingVerifications verifications = new PendingVerifications();

    public ProducerStateManager(TopicPartition topicPartition, Path dir) {
        this.topicPartition = topicPartition;
        this.dir = dir;
    }

    // ---- append path ----

    /**
     * Before a leader verifies a transactional batch with the coordinator: {@link VerificationGuard#NONE} if the
     * producer's transaction is ongoing here at this epoch (nothing to verify), else the guard to append with.
     */
    public synchronized VerificationGuard startVerification(long producerId, short producerEpoch, long nowMs) {
        if (hasOngoingTransaction(producerId, producerEpoch)) {
            return VerificationGuard.NONE;
        }
        return verifications.start(producerId, producerEpoch, nowMs);
    }

    private boolean hasOngoingTransaction(long producerId, short producerEpoch) {
        ProducerStateEntry entry = producers.get(producerId);
        return entry != null && entry.currentTxnFirstOffset >= 0 && entry.epoch == producerEpoch;
    }

    /** The retained batch this one retries, if it is a duplicate of one of the producer's last five. */
    public synchronized Optional<ProducerBatch> findDuplicate(BatchHeader batch) {
        if (!batch.hasProducerId() || batch.isControl()) {
            return Optional.empty();
        }
        ProducerStateEntry entry = producers.get(batch.producerId());
        return entry == null ? Optional.empty()
                : entry.findDuplicate(batch.producerEpoch(), batch.baseSequence(), batch.lastSequence());
    }

    /**
     * Checks the producer epoch and (for client writes) the sequence; throws the error the producer expects. A
     * marker (a control batch, {@code marker} its content) written by a coordinator with an older epoch than the
     * one this partition last saw for the producer is fenced; a client's non-transactional batch while its
     * transaction is open is refused (INVALID_TXN_STATE), as Kafka does.
     *
     * <p>A producer this partition has no state for must start at sequence 0 unless its state may have been
     * lost: the log lost its head ({@code logStartOffset > 0}: retention, DeleteRecords) or the producer
     * expired here. Kafka accepts any sequence then; Strata does not, because a batch refused with
     * NOT_LEADER_OR_FOLLOWER just before this broker took up leadership would otherwise leave a gap that the
     * client's later, accepted batches jump over (its retry of the refused one could never be written).
     */
    public synchronized void validate(BatchHeader batch, TxnMarker marker, AppendOrigin origin, long logStartOffset) {
        validate(batch, marker, origin, logStartOffset, VerificationGuard.UNCHECKED);
    }

    /**
     * As {@link #validate(BatchHeader, TxnMarker, AppendOrigin, long)}; unless {@code guard} is
     * {@link VerificationGuard#UNCHECKED}, a client's transactional batch that does not continue its producer's
     * ongoing transaction needs {@code guard} to be the producer's pending verification guard.
     *
     * @throws InvalidTxnStateException the batch would start a transaction the coordinator did not verify
     */
    public synchronized void validate(BatchHeader batch, TxnMarker marker, AppendOrigin origin, long logStartOffset,
                                      VerificationGuard guard) {
        if (!batch.hasProducerId()) {
            return;
        }
        ProducerStateEntry entry = producers.get(batch.producerId());
        short currentEpoch = entry == null ? RecordBatch.NO_PRODUCER_EPOCH : entry.epoch;
        if (batch.producerEpoch() < currentEpoch) {
            throw new InvalidProducerEpochException("Epoch " + batch.producerEpoch() + " of producer "
                    + batch.producerId() + " is older than its current epoch " + currentEpoch + " on " + topicPartition);
        }
        if (batch.isControl()) {
            if (entry != null && marker != null && marker.endsTransaction()
                    && marker.coordinatorEpoch() < entry.coordinatorEpoch) {
                throw new TransactionCoordinatorFencedException("Coordinator epoch " + marker.coordinatorEpoch()
                        + " of the marker for producer " + batch.producerId() + " is older than "
                        + entry.coordinatorEpoch + ", the last one seen on " + topicPartition);
            }
            return;
        }
        if (origin != AppendOrigin.CLIENT) {
            return;
        }
        if (entry != null && entry.currentTxnFirstOffset >= 0 && !batch.isTransactional()) {
            throw new InvalidTxnStateException("Expected a transactional write from producer " + batch.producerId()
                    + " on " + topicPartition + ": its transaction from offset " + entry.currentTxnFirstOffset
                    + " is still open");
        }
        if (guard != VerificationGuard.UNCHECKED && batch.isTransactional()
                && !hasOngoingTransaction(batch.producerId(), batch.producerEpoch())
                && !verifications.matches(batch.producerId(), batch.producerEpoch(), guard)) {
            throw new InvalidTxnStateException("Record of producer " + batch.producerId() + " epoch "
                    + batch.producerEpoch() + " was not part of an ongoing transaction on " + topicPartition
                    + ": not verified with the transaction coordinator, or a marker ended the transaction since");
        }
        int firstSeq = batch.baseSequence();
        if (entry == null && firstSeq != 0 && logStartOffset == 0 && !expired.contains(batch.producerId())) {
            throw new OutOfOrderSequenceException("Out of order sequence number for producer " + batch.producerId()
                    + " on " + topicPartition + ": " + firstSeq + " (incoming seq. number), but this partition holds"
                    + " no batch of that producer: its first batch must have sequence 0");
        }
        if (batch.producerEpoch() != currentEpoch) {
            if (firstSeq != 0 && currentEpoch != RecordBatch.NO_PRODUCER_EPOCH) {
                throw new OutOfOrderSequenceException("Producer " + batch.producerId() + " starts epoch "
                        + batch.producerEpoch() + " with sequence " + firstSeq + " instead of 0 on " + topicPartition);
            }
            return;
        }
        // An entry of this epoch without batches holds only a marker (transaction version 2's markers carry the
        // bumped epoch): the epoch's first batch must have sequence 0, as in Kafka. Accepting any sequence let a
        // pipelined later batch in while the first one was being retried, which then never fit.
        if (!inSequence(entry.lastSequence(), firstSeq)) { // NO_SEQUENCE without batches: only 0 follows it
            throw new OutOfOrderSequenceException("Out of order sequence number for producer " + batch.producerId()
                    + " on " + topicPartition + ": " + firstSeq + " (incoming seq. number), "
                    + entry.lastSequence() + " (current end sequence number)");
        }
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }

    /**
     * Applies a written batch (with its final offsets): records its sequence range, opens a transaction
     * on its first transactional batch, and closes it on a commit or abort marker ({@code marker}: the control
     * batch's content, null for data batches).
     *
     * @return the aborted transaction to index when {@code batch} is an abort marker ending a transaction
     */
    public synchronized Optional<AbortedTxn> update(BatchHeader batch, TxnMarker marker, long nowMs) {
        if (!batch.hasProducerId()) {
            return Optional.empty();
        }
        ProducerStateEntry entry = producers.computeIfAbsent(batch.producerId(), ProducerStateEntry::new);
        short epochBefore = entry.epoch;
        if (batch.producerEpoch() > entry.epoch) {
            entry.updateEpoch(batch.producerEpoch());
        }
        verifications.onEpoch(batch.producerId(), batch.producerEpoch());
        entry.lastUpdateMs = nowMs;
        if (batch.isControl()) {
            if (marker == null || !marker.endsTransaction()) {
                return Optional.empty();
            }
            // A verification in progress must not reopen the transaction this marker ends. A marker of a newer
            // epoch than the transaction's batches here (transaction version 2 bumps the epoch at every end) leaves
            // a guard of its own epoch alone: only the producer's next transaction has batches of that epoch, and
            // the coordinator verifies them only once this one is complete. A pipelining producer's first batches
            // of that next transaction were refused with CONCURRENT_TRANSACTIONS before this marker, and a retry
            // holding the guard handed out then would otherwise fail with INVALID_TXN_STATE.
            boolean bumpedPastItsTransaction = entry.currentTxnFirstOffset >= 0 && batch.producerEpoch() > epochBefore;
            if (!bumpedPastItsTransaction) {
                verifications.end(batch.producerId());
            }
            entry.coordinatorEpoch = Math.max(entry.coordinatorEpoch, marker.coordinatorEpoch());
            long first = entry.currentTxnFirstOffset;
            if (first < 0) {
                return Optional.empty(); // an empty transaction: nothing to index, nothing held back
            }
            entry.currentTxnFirstOffset = -1;
            long markerOffset = batch.baseOffset();
            txns.complete(first, markerOffset);
            if (!marker.isAbort()) {
                return Optional.empty();
            }
            long lastStable = txns.firstOngoingOffset().orElse(markerOffset + 1);
            return Optional.of(new AbortedTxn(batch.producerId(), first, markerOffset, lastStable));
        }
        entry.addBatch(new ProducerBatch(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
                batch.lastOffset(), batch.maxTimestamp()));
        if (batch.isTransactional() && entry.currentTxnFirstOffset < 0) {
            verifications.end(batch.producerId()); // verified: the transaction is ongoing now
            entry.currentTxnFirstOffset = batch.baseOffset();
            txns.begin(batch.baseOffset(), batch.producerId());
        }
        return Optional.empty();
    }

    // ---- queries ----

    /** First offset of the oldest open transaction (the cleaner stops there). */
    public OptionalLong firstUnstableOffset() {
        return txns.firstOngoingOffset();
    }

    /**
     * First offset of the oldest transaction that is open, or completed by a marker at or above
     * {@code highWatermark}: the last stable offset is the lower of it and the high watermark. Lock-free.
     */
    public OptionalLong firstUnstableOffset(long highWatermark) {
        return txns.firstUnstableOffset(highWatermark);
    }

    /** Number of open transactions. */
    public int ongoingTransactionCount() {
        return txns.ongoingCount();
    }

    public synchronized Optional<ActiveProducer> producer(long producerId) {
        ProducerStateEntry entry = producers.get(producerId);
        return entry == null ? Optional.empty() : Optional.of(entry.view());
    }

    public synchronized List<ActiveProducer> activeProducers() {
        return producers.values().stream().map(ProducerStateEntry::view).toList();
    }

    /** The retained batches of a producer, oldest first. */
    public synchronized List<ProducerBatch> batches(long producerId) {
        ProducerStateEntry entry = producers.get(producerId);
        return entry == null ? List.of() : entry.batches();
    }

    /** Forgets producers idle for {@code expirationMs} without an open transaction; returns how many. */
    public synchronized int removeExpiredProducers(long nowMs, long expirationMs) {
        verifications.removeOlderThan(nowMs, expirationMs);
        int before = producers.size();
        producers.values().removeIf(e -> {
            boolean expire = e.currentTxnFirstOffset < 0 && nowMs - e.lastUpdateMs >= expirationMs;
            if (expire) {
                expired.add(e.producerId);
                if (expired.size() > EXPIRED_IDS_KEPT) {
                    expired.remove(expired.iterator().next());
                }
            }
            return expire;
        });
        return before - producers.size();
    }

    // ---- persistence ----

    /** Writes {@code <offset>.snapshot} with the state after the batches below {@code offset}; keeps the newest two. */
    public synchronized void takeSnapshot(long offset) throws IOException {
        List<ProducerSnapshotFile.Entry> entries = new ArrayList<>(producers.size());
        for (ProducerStateEntry e : producers.values()) {
            entries.add(new ProducerSnapshotFile.Entry(e.producerId, e.epoch, e.lastUpdateMs,
                    e.currentTxnFirstOffset, e.coordinatorEpoch, e.batches()));
        }
        ProducerSnapshotFile.write(LogFileNames.snapshotFile(dir, offset), entries);
        List<Long> offsets = snapshotOffsets();
        for (int i = 0; i < offsets.size() - SNAPSHOTS_KEPT; i++) {
            Files.deleteIfExists(LogFileNames.snapshotFile(dir, offsets.get(i)));
        }
    }

    /**
     * Replaces the state with the newest readable snapshot at or below {@code maxOffset}, deleting newer
     * and unreadable ones.
     *
     * @return the snapshot's offset (replay batches from there), or empty if none was usable
     */
    public synchronized OptionalLong loadSnapshot(long maxOffset) throws IOException {
        clear();
        List<Long> offsets = snapshotOffsets();
        for (int i = offsets.size() - 1; i >= 0; i--) {
            long offset = offsets.get(i);
            Path file = LogFileNames.snapshotFile(dir, offset);
            if (offset > maxOffset) {
                Files.deleteIfExists(file);
                continue;
            }
            try {
                for (ProducerSnapshotFile.Entry e : ProducerSnapshotFile.read(file)) {
                    restore(e);
                }
                return OptionalLong.of(offset);
            } catch (IOException e) {
                log.warn("Ignoring unreadable producer snapshot of {}: {}", topicPartition, e.getMessage());
                clear();
                Files.deleteIfExists(file);
            }
        }
        return OptionalLong.empty();
    }

    private void restore(ProducerSnapshotFile.Entry stored) {
        ProducerStateEntry entry = new ProducerStateEntry(stored.producerId());
        entry.epoch = stored.epoch();
        entry.lastUpdateMs = stored.lastUpdateMs();
        entry.currentTxnFirstOffset = stored.txnFirstOffset();
        entry.coordinatorEpoch = stored.coordinatorEpoch();
        stored.batches().forEach(entry::addBatch);
        producers.put(entry.producerId, entry);
        if (entry.currentTxnFirstOffset >= 0) {
            txns.begin(entry.currentTxnFirstOffset, entry.producerId);
        }
    }

    /** Deletes snapshots above {@code offset} (the log was truncated below them). */
    public synchronized void deleteSnapshotsAbove(long offset) throws IOException {
        for (long o : snapshotOffsets()) {
            if (o > offset) {
                Files.deleteIfExists(LogFileNames.snapshotFile(dir, o));
            }
        }
    }

    /** Deletes snapshots below {@code offset}: their segments were deleted (the log start moved past them). */
    public synchronized void deleteSnapshotsBelow(long offset) throws IOException {
        for (long o : snapshotOffsets()) {
            if (o < offset) {
                Files.deleteIfExists(LogFileNames.snapshotFile(dir, o));
            }
        }
    }

    /** Verification guards handed out and not yet used or ended. */
    public synchronized int pendingVerificationCount() {
        return verifications.size();
    }

    synchronized void clear() {
        verifications.clear();
        producers.clear();
        txns.clear();
    }

    /** Offsets of the snapshot files in the directory, ascending. */
    List<Long> snapshotOffsets() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> LogFileNames.parseOffset(p.getFileName().toString(), LogFileNames.SNAPSHOT_SUFFIX))
                    .filter(OptionalLong::isPresent)
                    .map(OptionalLong::getAsLong)
                    .sorted(Comparator.naturalOrder())
                    .toList();
        }
    }
}
