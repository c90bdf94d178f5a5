package io.strata.engine.replication;

import io.strata.engine.cluster.Partition;
import io.strata.engine.log.LogStartOffsetReason;
import io.strata.engine.config.ReplicationConfig;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.metadata.BrokerRegistration;
import org.apache.kafka.clients.FetchSessionHandler;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Replicates every partition this broker follows from one source broker: a loop of Fetch requests (replica id
 * and broker epoch set, KIP-903) that long-poll at the leader, appending what comes back byte for byte. The
 * fetches run in an incremental fetch session (KIP-227, kafka-clients' {@link FetchSessionHandler}): after the
 * first, full, fetch each names only the partitions whose fetch offset, log start, epochs or limits changed, and
 * the leader answers only for the partitions with news, so idle partitions cost next to nothing per fetch.
 *
 * <p>Durability before acknowledgement: a follower's fetch offset tells the leader that everything below it
 * is durable here, so after appending, a topic that fsyncs each append is fsynced before the next fetch
 * reports the new log end; the fetch offset sent is always {@link Partition#durableOffset()}.
 *
 * <p>Divergence: each fetch carries the epoch of the last batch held (Fetch v12+); when the leader answers
 * with a diverging epoch, the log is truncated to where both agree (the smaller of the leader's end offset for
 * that epoch and ours) and fetching goes on from there, so a deposed leader's extra records disappear.
 *
 * <p>Log start: each fetch carries this log's start offset (the leader's DeleteRecords waits for it); a leader
 * start that moved up within this log (DeleteRecords, retention) is adopted, up to this replica's high
 * watermark; one beyond this log's end restarts the log there (OFFSET_OUT_OF_RANGE).
 *
 * <p>Thread-safety: {@link #run()} is the fetcher's own thread; {@link #add}, {@link #remove} and
 * {@link #shutdown} are called by the metadata path and the broker's lifecycle.
 */
final class ReplicaFetcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);

    private final int sourceBrokerId;
    private final int localBrokerId;
    private final LongSupplier brokerEpoch;
    private final IntFunction<Optional<BrokerRegistration>> endpoints;
    private final ReplicationConfig config;
    private final Time time;
    private final BrokerChannel channel;
    /** Fetcher thread only: the incremental fetch session (KIP-227) with the source broker. */
    private final FetchSessionHandler sessions;
    private final Map<TopicPartition, FetchTarget> targets = new ConcurrentHashMap<>();
    private final Object wakeup = new Object();
    private volatile boolean running = true;
    /** Test hook: while set, no fetch is sent (as if the leader were unreachable). */
    private volatile boolean paused;
    /** Fetcher thread only: whether the last attempt failed (only the first failure of a run is logged in full). */
    private boolean failing;

    ReplicaFetcher(int sourceBrokerId, int localBrokerId, LongSupplier brokerEpoch,
                   IntFunction<Optional<BrokerRegistration>> endpoints, ReplicationConfig config, Time time) {
        this.sourceBrokerId = sourceBrokerId;
        this.localBrokerId = localBrokerId;
        this.brokerEpoch = brokerEpoch;
        this.endpoints = endpoints;
        this.config = config;
        this.time = time;
        this.channel = new BrokerChannel("strata-replica-fetcher-" + localBrokerId + "-from-" + sourceBrokerId,
                config.replicaFetchResponseMaxBytes() + 1024 * 1024);
        this.sessions = new FetchSessionHandler(
                new LogContext("[ReplicaFetcher broker " + localBrokerId + " from " + sourceBrokerId + "] "),
                sourceBrokerId);
    }

    int sourceBrokerId() {
        return sourceBrokerId;
    }

    void add(FetchTarget target) {
        targets.put(target.partition.topicPartition(), target);
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    void remove(TopicPartition tp, FetchTarget target) {
        targets.remove(tp, target);
    }

    /** Pausing also drops the connection, so a fetch parked at the leader can no longer deliver anything. */
    void setPaused(boolean pause) {
        paused = pause;
        if (pause) {
            channel.disconnect();
        }
    }

    boolean isIdle() {
        return targets.isEmpty();
    }

    /** Ends the loop and unblocks a fetch in progress by closing its connection. Never interrupts. */
    void shutdown() {
        running = false;
        channel.close();
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    /** Messages this broker is behind the leader's high watermark, at most, over its partitions (lag metric). */
    long maxLag() {
        long max = 0;
        for (FetchTarget target : targets.values()) {
            max = Math.max(max, target.leaderHighWatermark - target.partition.log().logEndOffset());
        }
        return max;
    }

    @Override
    public void run() {
        log.info("Replica fetcher of broker {} from broker {} started", localBrokerId, sourceBrokerId);
        while (running) {
            try {
                fetchOnce();
            } catch (RuntimeException e) {
                log.error("Replica fetcher from broker {} failed; retrying", sourceBrokerId, e);
                pause(config.replicaFetchBackoffMs());
            }
        }
        log.info("Replica fetcher of broker {} from broker {} stopped", localBrokerId, sourceBrokerId);
    }

    private void fetchOnce() {
        if (paused) {
            pause(config.replicaFetchBackoffMs());
            return;
        }
        long now = time.milliseconds();
        Map<TopicPartition, FetchTarget> batch = new LinkedHashMap<>();
        Map<TopicPartition, FetchRequest.PartitionData> data = new LinkedHashMap<>();
        long nextRetry = Long.MAX_VALUE;
        for (Map.Entry<TopicPartition, FetchTarget> e : targets.entrySet()) {
            FetchTarget target = e.getValue();
            Partition p = target.partition;
            if (target.notBeforeMs > now) {
                nextRetry = Math.min(nextRetry, target.notBeforeMs);
                continue;
            }
            if (p.role() != Partition.Role.FOLLOWER || p.leaderEpoch() != target.leaderEpoch) {
                continue; // being re-targeted by the metadata path
            }
            int lastEpoch = p.log().leaderEpochCache().latestEpoch().orElse(-1);
            data.put(e.getKey(), new FetchRequest.PartitionData(p.topicId(), p.durableOffset(),
                    p.log().logStartOffset(), config.replicaFetchMaxBytes(), Optional.of(target.leaderEpoch),
                    lastEpoch < 0 ? Optional.empty() : Optional.of(lastEpoch)));
            batch.put(e.getKey(), target);
        }
        if (batch.isEmpty()) {
            pause(nextRetry == Long.MAX_VALUE ? config.replicaFetchBackoffMs() : Math.max(1, nextRetry - now));
            return;
        }
        Optional<BrokerRegistration> leader = endpoints.apply(sourceBrokerId);
        if (leader.isEmpty()) {
            fail("broker " + sourceBrokerId + " is not registered", null);
            return;
        }
        FetchSessionHandler.Builder session = sessions.newBuilder();
        data.forEach(session::add);
        FetchSessionHandler.FetchRequestData request = session.build();
        short version = (short) Math.min(ApiKeys.FETCH.latestVersion(), 18);
        FetchRequest.Builder builder = FetchRequest.Builder.forReplica(version, localBrokerId,
                        brokerEpoch.getAsLong(), config.replicaFetchWaitMaxMs(), config.replicaFetchMinBytes(),
                        request.toSend())
                .removed(request.toForget())
                .replaced(request.toReplace())
                .metadata(request.metadata())
                .setMaxBytes(config.replicaFetchResponseMaxBytes());
        AbstractResponse response;
        try {
            response = channel.send(leader.get().host(), leader.get().port(), builder,
                    config.replicaFetchWaitMaxMs() + config.replicaSocketTimeoutMs());
        } catch (IOException e) {
            sessions.handleError(e); // the next fetch is a full one, opening a new session
            fail("fetch from " + leader.get().host() + ":" + leader.get().port() + " failed: " + e, e);
            return;
        }
        if (!(response instanceof FetchResponse fetch)) {
            sessions.handleError(new IllegalStateException("unexpected response"));
            fail("unexpected response " + response.getClass().getSimpleName(), null);
            return;
        }
        if (!sessions.handleResponse(fetch, version)) {
            // A session error (the leader restarted or evicted the session) or a response that does not fit the
            // session: the handler starts a new session with the next, full, fetch; a real error is retried later.
            if (fetch.error() != Errors.FETCH_SESSION_ID_NOT_FOUND
                    && fetch.error() != Errors.INVALID_FETCH_SESSION_EPOCH) {
                fail("fetch failed with " + fetch.error(), null);
            }
            return;
        }
        if (fetch.error() != Errors.NONE) {
            fail("fetch failed with " + fetch.error(), null);
            return;
        }
        failing = false;
        // An incremental response carries only the partitions with news (records, moved offsets, errors).
        for (Map.Entry<TopicPartition, FetchResponseData.PartitionData> e
                : fetch.responseData(sessions.sessionTopicNames(), version).entrySet()) {
            FetchTarget target = batch.get(e.getKey());
            if (target != null) {
                process(target, e.getValue());
            }
        }
    }

    private void process(FetchTarget target, FetchResponseData.PartitionData data) {
        Partition p = target.partition;
        synchronized (target) {
            if (target.isCancelled() || p.leaderEpoch() != target.leaderEpoch || p.role() != Partition.Role.FOLLOWER) {
                return;
            }
            Errors error = Errors.forCode(data.errorCode());
            try {
                switch (error) {
                    case NONE -> {
                        target.leaderHighWatermark = data.highWatermark();
                        if (FetchResponse.isDivergingEpoch(data)) {
                            truncateOnDivergence(p, data.divergingEpoch());
                            return;
                        }
                        MemoryRecords records = (MemoryRecords) FetchResponse.recordsOrFail(data);
                        if (records.sizeInBytes() > 0 && p.appendAsFollower(records) > 0 && p.commitNeedsFsync()) {
                            p.log().flushTo(p.log().logEndOffset());
                        }
                        p.updateFollowerHighWatermark(data.highWatermark());
                        adoptLeaderLogStart(p, data.logStartOffset());
                    }
                    case OFFSET_OUT_OF_RANGE -> handleOutOfRange(p, data);
                    default -> {
                        // Leadership moved or is moving (NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH...):
                        // the metadata poller re-targets this partition; until then wait a backoff.
                        log.debug("Fetch of {} from broker {}: {}", p.topicPartition(), sourceBrokerId, error);
                        target.notBeforeMs = time.milliseconds() + config.replicaFetchBackoffMs();
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Replicating {} from broker {} failed; retrying after {} ms", p.topicPartition(),
                        sourceBrokerId, config.replicaFetchBackoffMs(), e);
                target.notBeforeMs = time.milliseconds() + config.replicaFetchBackoffMs();
            }
        }
    }

    /** The leader's log start moved up within our log (DeleteRecords, retention): follow it, up to our HW. */
    private static void adoptLeaderLogStart(Partition p, long leaderLogStartOffset) {
        long target = Math.min(leaderLogStartOffset, p.log().highWatermark());
        if (target > p.log().logStartOffset()) {
            p.log().maybeIncrementLogStartOffset(target, LogStartOffsetReason.LEADER_OFFSET_INCREMENT);
        }
    }

    private void truncateOnDivergence(Partition p, FetchResponseData.EpochEndOffset diverging) {
        LeaderEpochCache.EpochEndOffset ours = p.log().leaderEpochCache()
                .endOffsetFor(diverging.epoch(), p.log().logEndOffset());
        long to = ours.endOffset() < 0 ? diverging.endOffset() : Math.min(diverging.endOffset(), ours.endOffset());
        if (to < p.log().highWatermark()) {
            log.warn("{}: truncating to {}, below the high watermark {} (the leader's log diverged there)",
                    p.topicPartition(), to, p.log().highWatermark());
        }
        log.info("{}: log diverges from leader {} (epoch {} ends at {} there); truncating from {} to {}",
                p.topicPartition(), sourceBrokerId, diverging.epoch(), diverging.endOffset(), p.log().logEndOffset(), to);
        p.log().truncateTo(to);
    }

    /**
     * The leader has no such offset: below its log start, restart there; above its end (it cannot tell us its
     * epochs), fall back to our high watermark, as Kafka does without epoch information.
     */
    private void handleOutOfRange(Partition p, FetchResponseData.PartitionData data) {
        long fetchOffset = p.durableOffset();
        if (data.logStartOffset() > fetchOffset) {
            log.warn("{}: fetch offset {} is below the leader's log start {}; restarting the log there",
                    p.topicPartition(), fetchOffset, data.logStartOffset());
            p.log().truncateFullyAndStartAt(data.logStartOffset());
        } else {
            long to = Math.min(p.log().highWatermark(), p.log().logEndOffset());
            log.warn("{}: fetch offset {} is out of range at leader {}; truncating to the high watermark {}",
                    p.topicPartition(), fetchOffset, sourceBrokerId, to);
            p.log().truncateTo(to);
        }
    }

    private void fail(String why, Exception e) {
        if (!failing && running) {
            log.warn("Replica fetcher of broker {} from broker {}: {}; retrying every {} ms", localBrokerId,
                    sourceBrokerId, why, config.replicaFetchBackoffMs());
        }
        failing = true;
        pause(config.replicaFetchBackoffMs());
    }

    private void pause(long ms) {
        synchronized (wakeup) {
            if (!running) {
                return;
            }
            try {
                wakeup.wait(Math.max(1, ms));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
