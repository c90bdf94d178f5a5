package io.strata.engine.handler.data;

import org.apache.kafka.common.requests.FetchMetadata;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The broker's incremental fetch sessions, at most {@code maxSessions} of them (Kafka's
 * {@code max.incremental.fetch.session.cache.slots}). Sessions are not expired by a clock: a new one takes the
 * place of another only when the cache is full, by Kafka's rules: the session unused for longer than
 * {@code evictionMs} ({@code min.incremental.fetch.session.eviction.ms}), else the least valuable one the newcomer
 * outranks, where a follower's session outranks a consumer's and then more partitions outrank fewer; a session
 * younger than {@code evictionMs} can be displaced only by a follower's, and only if it is a consumer's.
 *
 * <p>Thread-safety: every method holds this cache's monitor; a session's own monitor may be taken inside it
 * (never the other way round). Eviction scans the sessions, which happens only when the cache is full.
 */
final class FetchSessionCache {
    /** Kafka's defaults of the two broker configs (not configurable in Strata). */
    static final int DEFAULT_MAX_SESSIONS = 1000;
    static final long DEFAULT_EVICTION_MS = 120_000;

    private final int maxSessions;
    private final long evictionMs;
    private final Map<Integer, FetchSession> sessions = new HashMap<>();
    private long evictions;

    FetchSessionCache(int maxSessions, long evictionMs) {
        this.maxSessions = maxSessions;
        this.evictionMs = evictionMs;
    }

    synchronized FetchSession get(int id) {
        return sessions.get(id);
    }

    synchronized void remove(int id) {
        sessions.remove(id);
    }

    synchronized int size() {
        return sessions.size();
    }

    /** Partitions cached over all sessions (Kafka's NumIncrementalFetchPartitionsCached). */
    synchronized long partitions() {
        long total = 0;
        for (FetchSession session : sessions.values()) {
            total += session.size();
        }
        return total;
    }

    synchronized long evictions() {
        return evictions;
    }

    /** Marks a session used now (it is then not stale for {@code evictionMs}). */
    synchronized void touch(FetchSession session, long nowMs) {
        session.lastUsedMs = nowMs;
    }

    /**
     * Creates a session of {@code size} partitions if there is room or a session can be evicted for it.
     *
     * @return its id, or {@link FetchMetadata#INVALID_SESSION_ID} when none was created (the fetcher goes on
     *         with full fetches)
     */
    synchronized int maybeCreate(long nowMs, boolean privileged, int size, boolean usesTopicIds,
                                 Supplier<LinkedHashMap<FetchSession.Key, FetchSession.CachedPartition>> partitions) {
        if (maxSessions <= 0 || (sessions.size() >= maxSessions && !tryEvict(nowMs, privileged, size))) {
            return FetchMetadata.INVALID_SESSION_ID;
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        sessions.put(id, new FetchSession(id, privileged, usesTopicIds, nowMs,
                FetchMetadata.nextEpoch(FetchMetadata.INITIAL_EPOCH), partitions.get()));
        return id;
    }

    private boolean tryEvict(long nowMs, boolean privileged, int size) {
        FetchSession stalest = null;
        FetchSession cheapest = null;
        for (FetchSession session : sessions.values()) {
            if (stalest == null || session.lastUsedMs < stalest.lastUsedMs) {
                stalest = session;
            }
            boolean old = nowMs - session.creationMs > evictionMs;
            boolean displaceable = privileged ? (!session.privileged || old) : old;
            if (displaceable && (cheapest == null || rank(session) < rank(cheapest))) {
                cheapest = session;
            }
        }
        FetchSession victim = null;
        if (stalest != null && nowMs - stalest.lastUsedMs > evictionMs) {
            victim = stalest;
        } else if (cheapest != null && outranks(privileged, size, cheapest)) {
            victim = cheapest;
        }
        if (victim == null) {
            return false;
        }
        sessions.remove(victim.id);
        evictions++;
        return true;
    }

    /** Orders sessions by value: consumers' before followers', then by size. */
    private static long rank(FetchSession session) {
        return ((session.privileged ? 1L : 0L) << 32) | session.size();
    }

    private static boolean outranks(boolean privileged, int size, FetchSession session) {
        if (privileged != session.privileged) {
            return privileged;
        }
        return size > session.size();
    }
}
