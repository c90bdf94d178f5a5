package io.strata.engine.log.producer;

import io.strata.engine.log.producer.ProducerStateManager.ProducerBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Mutable state of one producer id in one partition. Guarded by the owning {@link ProducerStateManager}.
 */
final class ProducerStateEntry {
    final long producerId;
    short epoch = RecordBatch.NO_PRODUCER_EPOCH;
    /** Broker time of the last write, for expiration (record timestamps may be arbitrarily old). */
    long lastUpdateMs;
    /** First offset of the open transaction, or -1. */
    long currentTxnFirstOffset = -1;
    /** Epoch of the transaction coordinator that wrote this producer's last marker, or -1: older ones are fenced. */
    int coordinatorEpoch = -1;
    private final ArrayDeque<ProducerBatch> batches = new ArrayDeque<>(ProducerStateManager.RETAINED_BATCHES);

    ProducerStateEntry(long producerId) {
        this.producerId = producerId;
    }

    int lastSequence() {
        return batches.isEmpty() ? RecordBatch.NO_SEQUENCE : batches.peekLast().lastSequence();
    }

    long lastTimestamp() {
        return batches.isEmpty() ? RecordBatch.NO_TIMESTAMP : batches.peekLast().timestamp();
    }

    List<ProducerBatch> batches() {
        return List.copyOf(batches);
    }

    /** A retained batch with exactly this epoch and sequence range: a retry of something already written. */
    Optional<ProducerBatch> findDuplicate(short batchEpoch, int firstSeq, int lastSeq) {
        if (batchEpoch != epoch) {
            return Optional.empty();
        }
        for (ProducerBatch b : batches) {
            if (b.firstSequence() == firstSeq && b.lastSequence() == lastSeq) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Moves to a newer epoch; sequences restart, so the retained batches no longer apply. */
    void updateEpoch(short newEpoch) {
        if (newEpoch != epoch) {
            epoch = newEpoch;
            batches.clear();
        }
    }

    void addBatch(ProducerBatch batch) {
        if (batches.size() == ProducerStateManager.RETAINED_BATCHES) {
            batches.removeFirst();
        }
        batches.addLast(batch);
    }

    ProducerStateManager.ActiveProducer view() {
        return new ProducerStateManager.ActiveProducer(producerId, epoch, lastSequence(), lastTimestamp(),
                currentTxnFirstOffset < 0 ? OptionalLong.empty() : OptionalLong.of(currentTxnFirstOffset),
                coordinatorEpoch);
    }
}
