package io.strata.engine.cluster;

/**
 * What a leader knows of one follower replica, from the follower's fetches: the offset up to which it holds
 * the leader's records durably (its fetch position), its log start offset (for DeleteRecords' low watermark),
 * and since when it has been caught up. Kafka's rule:
 * a fetch at or beyond the leader's log end catches the follower up now; a fetch at or beyond the log end
 * the leader had at the follower's previous fetch caught it up at that previous fetch.
 *
 * <p>Thread-safety: updated by request threads serving the follower's fetches and read by the ISR checks;
 * every method synchronizes on this.
 */
final class FollowerReplica {
    private final int brokerId;
    /** -1 until the follower's first fetch under this leadership. */
    private long logEndOffset = -1;
    private long lastCaughtUpTimeMs;
    private long lastFetchLeaderLogEndOffset = -1;
    private long lastFetchTimeMs;
    private long brokerEpoch = -1;
    /** The follower's log start offset from its last fetch; -1 until it sent one. */
    private long logStartOffset = -1;

    /** @param caughtUpAtMs when to count the follower as last caught up (now for an ISR member, so it is not dropped at once) */
    FollowerReplica(int brokerId, long caughtUpAtMs) {
        this.brokerId = brokerId;
        this.lastCaughtUpTimeMs = caughtUpAtMs;
    }

    int brokerId() {
        return brokerId;
    }

    /** Records the follower's log start offset from a fetch; true if it rose. */
    synchronized boolean onLogStartOffset(long followerLogStartOffset) {
        if (followerLogStartOffset > logStartOffset) {
            logStartOffset = followerLogStartOffset;
            return true;
        }
        return false;
    }

    synchronized long logStartOffset() {
        return logStartOffset;
    }

    synchronized void onFetch(long fetchOffset, long leaderLogEndOffset, long brokerEpochOfFetch, long nowMs) {
        if (fetchOffset >= leaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
        } else if (fetchOffset >= lastFetchLeaderLogEndOffset && lastFetchLeaderLogEndOffset >= 0) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        lastFetchLeaderLogEndOffset = leaderLogEndOffset;
        lastFetchTimeMs = nowMs;
        brokerEpoch = brokerEpochOfFetch;
    }

    synchronized long logEndOffset() {
        return logEndOffset;
    }

    synchronized long lastCaughtUpTimeMs() {
        return lastCaughtUpTimeMs;
    }

    /** The broker epoch the follower's last fetch carried (-1 if none did: fetch versions before 15). */
    synchronized long brokerEpoch() {
        return brokerEpoch;
    }
}
