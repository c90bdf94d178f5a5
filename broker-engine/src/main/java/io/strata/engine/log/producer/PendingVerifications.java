package io.strata.engine.log.producer;

import java.util.HashMap;
import java.util.Map;

/**
 * The verification guards a partition handed out to transactional producers whose transaction has not started on it
 * yet (Kafka's VerificationStateEntry): at most one per producer id, for the newest epoch asked about. Requests of the
 * same producer and epoch share the guard (a producer may have several batches in flight to a partition). A guard
 * ends when the producer's transaction starts here, when a marker for the producer is written, when the producer
 * moves to a newer epoch, or after the producer expiration time.
 *
 * <p>Not thread-safe: guarded by the owning {@link ProducerStateManager}'s monitor. Not persisted: after a restart
 * or a reload a verification in progress fails, and the producer retries.
 */
final class PendingVerifications {
    private record Entry(VerificationGuard guard, short epoch, long createdMs) {
    }

    private final Map<Long, Entry> byProducer = new HashMap<>();

    /** The producer's guard for {@code epoch}: the pending one, or a new one replacing one of an older epoch. */
    VerificationGuard start(long producerId, short epoch, long nowMs) {
        Entry entry = byProducer.get(producerId);
        if (entry != null && entry.epoch() >= epoch) {
            return entry.epoch() == epoch ? entry.guard() : VerificationGuard.NONE; // an older epoch: fenced on append
        }
        Entry created = new Entry(VerificationGuard.create(), epoch, nowMs);
        byProducer.put(producerId, created);
        return created.guard();
    }

    boolean matches(long producerId, short epoch, VerificationGuard guard) {
        Entry entry = byProducer.get(producerId);
        return guard.isGuard() && entry != null && entry.guard() == guard && entry.epoch() == epoch;
    }

    void end(long producerId) {
        byProducer.remove(producerId);
    }

    /** The producer moved to {@code epoch}: a guard for an older one no longer applies. */
    void onEpoch(long producerId, short epoch) {
        Entry entry = byProducer.get(producerId);
        if (entry != null && entry.epoch() < epoch) {
            byProducer.remove(producerId);
        }
    }

    int removeOlderThan(long nowMs, long maxAgeMs) {
        int before = byProducer.size();
        byProducer.values().removeIf(e -> nowMs - e.createdMs() >= maxAgeMs);
        return before - byProducer.size();
    }

    int size() {
        return byProducer.size();
    }

    void clear() {
        byProducer.clear();
    }
}
