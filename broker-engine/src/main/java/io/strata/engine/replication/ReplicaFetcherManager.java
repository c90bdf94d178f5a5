package io.strata.engine.replication;

import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaFetchControl;
import io.strata.engine.config.ReplicationConfig;
import io.strata.engine.metadata.BrokerRegistration;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Assigns each follower partition to the fetcher of its leader: one {@link ReplicaFetcher} per source broker
 * ({@code num.replica.fetchers} = 1), started when its first partition arrives and stopped when its last one
 * leaves. Fetchers run on the broker's replica-fetcher pool, which the broker owns and stops after
 * {@link #close()} has ended every loop.
 *
 * <p>Thread-safety: every method synchronizes on this; the metadata path calls follow/unfollow, the broker's
 * lifecycle calls close.
 */
public final class ReplicaFetcherManager implements ReplicaFetchControl, AutoCloseable {
    private final int localBrokerId;
    private final LongSupplier brokerEpoch;
    private final IntFunction<Optional<BrokerRegistration>> endpoints;
    private final ReplicationConfig config;
    private final Time time;
    private final Executor fetcherThreads;
    private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>();
    private final Map<TopicPartition, FetchTarget> assignments = new HashMap<>();
    private boolean closed;
    private boolean paused;

    /**
     * @param brokerEpoch this broker's registration epoch, sent with every fetch (KIP-903)
     * @param endpoints   where a broker listens, by id (registered brokers, live or not)
     */
    public ReplicaFetcherManager(int localBrokerId, LongSupplier brokerEpoch,
                                 IntFunction<Optional<BrokerRegistration>> endpoints, ReplicationConfig config,
                                 Time time, Executor fetcherThreads) {
        this.localBrokerId = localBrokerId;
        this.brokerEpoch = brokerEpoch;
        this.endpoints = endpoints;
        this.config = config;
        this.time = time;
        this.fetcherThreads = fetcherThreads;
    }

    @Override
    public synchronized void follow(Partition partition, int leaderId) {
        TopicPartition tp = partition.topicPartition();
        FetchTarget old = assignments.get(tp);
        if (old != null && old.partition == partition && old.leaderId == leaderId
                && old.leaderEpoch == partition.leaderEpoch()) {
            return;
        }
        detach(tp, old);
        if (closed) {
            return;
        }
        FetchTarget target = new FetchTarget(partition, leaderId, partition.leaderEpoch());
        assignments.put(tp, target);
        fetchers.computeIfAbsent(leaderId, this::startFetcher).add(target);
        stopIdleFetchers();
    }

    @Override
    public synchronized void unfollow(TopicPartition tp) {
        FetchTarget old = assignments.get(tp);
        if (old != null) {
            detach(tp, old);
            stopIdleFetchers();
        }
    }

    /**
     * Test hook simulating a network partition between this follower and every leader: while paused no fetch
     * is sent, so nothing replicates here and the leaders see this follower fall behind.
     */
    public synchronized void setPaused(boolean pause) {
        paused = pause;
        fetchers.values().forEach(f -> f.setPaused(pause));
    }

    /** Messages behind the leaders' high watermarks, at most over every followed partition. */
    public synchronized long maxLag() {
        long max = 0;
        for (ReplicaFetcher fetcher : fetchers.values()) {
            max = Math.max(max, fetcher.maxLag());
        }
        return max;
    }

    /** Stops every fetcher loop (a fetch in flight is abandoned by closing its connection). */
    @Override
    public synchronized void close() {
        closed = true;
        for (FetchTarget target : assignments.values()) {
            target.cancel();
        }
        assignments.clear();
        fetchers.values().forEach(ReplicaFetcher::shutdown);
        fetchers.clear();
    }

    /** Cancels the old assignment; waits for a response being applied to it to finish. */
    private void detach(TopicPartition tp, FetchTarget old) {
        if (old == null) {
            return;
        }
        old.cancel();
        assignments.remove(tp);
        ReplicaFetcher fetcher = fetchers.get(old.leaderId);
        if (fetcher != null) {
            fetcher.remove(tp, old);
        }
    }

    private ReplicaFetcher startFetcher(int sourceBrokerId) {
        ReplicaFetcher fetcher = new ReplicaFetcher(sourceBrokerId, localBrokerId, brokerEpoch, endpoints, config, time);
        fetcher.setPaused(paused);
        fetcherThreads.execute(fetcher);
        return fetcher;
    }

    private void stopIdleFetchers() {
        Iterator<ReplicaFetcher> it = fetchers.values().iterator();
        while (it.hasNext()) {
            ReplicaFetcher fetcher = it.next();
            if (fetcher.isIdle()) {
                fetcher.shutdown();
                it.remove();
            }
        }
    }
}
