package io.strata.engine.server;

import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The first step of a graceful close, so that a rolling restart loses no acks=all write: the broker announces a
 * controlled shutdown in the metadata store, the controller (whichever broker holds the lease, possibly this
 * one) moves its leaderships to other in-sync replicas and takes it out of their ISRs, and only then does the
 * broker stop serving. Until then producers see NOT_LEADER_OR_FOLLOWER (retriable) for moved partitions, never a
 * write acknowledged by a broker that then vanishes from under a waiting acks=all produce.
 *
 * <p>Leadership stays store-driven: this class writes nothing but the announcement. It waits, polling the
 * {@link MetadataCache} that the broker's metadata poller keeps current (and that the poller applies to the
 * partitions), until no partition has this broker in its ISR together with another member able to take over
 * (live and not shutting down itself). Partitions without such a member keep this broker as their leader and
 * go offline when it stops, as after a crash. The wait is bounded; an unreachable store or the timeout only
 * shortens the graceful path, the broker stops anyway.
 *
 * <p>Threading: runs on the thread calling {@link Broker#close()}, which it blocks for at most the timeout,
 * while the broker's heartbeat (and controller) and metadata poller threads keep running.
 */
final class ControlledShutdown {
    private static final Logger log = LoggerFactory.getLogger(ControlledShutdown.class);

    private final int brokerId;
    private final MetadataStore store;
    private final MetadataCache cache;
    private final long timeoutMs;
    private final long pollIntervalMs;

    /** @param pollIntervalMs how often the cache is checked: the broker's metadata poll interval */
    ControlledShutdown(int brokerId, MetadataStore store, MetadataCache cache, long timeoutMs, long pollIntervalMs) {
        this.brokerId = brokerId;
        this.store = store;
        this.cache = cache;
        this.timeoutMs = timeoutMs;
        this.pollIntervalMs = Math.max(1, pollIntervalMs);
    }

    /**
     * Announces the shutdown of registration {@code brokerEpoch} and waits for the controller to move this
     * broker's leaderships and ISR places. Skipped when the timeout is 0 or no other broker could take over.
     *
     * @return whether every movable leadership and ISR place has moved
     */
    boolean run(long brokerEpoch) {
        if (timeoutMs == 0 || takeovers().isEmpty()) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            store.requestControlledShutdown(brokerId, brokerEpoch);
        } catch (RuntimeException e) {
            log.warn("Broker {} cannot announce its controlled shutdown; stopping without moving its leaderships",
                    brokerId, e);
            return false;
        }
        log.info("Broker {} announced its controlled shutdown; waiting up to {} ms for its leaderships to move",
                brokerId, timeoutMs);
        List<TopicPartition> pending = pending();
        while (!pending.isEmpty()) {
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0) {
                log.warn("Broker {} stops with {} partitions still led or replicated in sync here after {} ms: {}",
                        brokerId, pending.size(), timeoutMs, pending);
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(leftNanos, TimeUnit.MILLISECONDS.toNanos(pollIntervalMs)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("Broker {} was interrupted during its controlled shutdown; stopping now", brokerId);
                return false;
            }
            pending = pending();
        }
        log.info("Broker {} completed its controlled shutdown: no partition needs it as leader or in-sync replica",
                brokerId);
        return true;
    }

    /** Partitions whose ISR holds this broker and another member that could take over. */
    private List<TopicPartition> pending() {
        Set<Integer> takeovers = takeovers();
        List<TopicPartition> out = new ArrayList<>();
        for (TopicMetadata topic : cache.topics()) {
            for (PartitionMetadata p : topic.partitions()) {
                if (p.isr().contains(brokerId) && p.isr().stream().anyMatch(takeovers::contains)) {
                    out.add(new TopicPartition(topic.name(), p.partition()));
                }
            }
        }
        return out;
    }

    /** Other brokers live and not shutting down, as of the last metadata poll. */
    private Set<Integer> takeovers() {
        return cache.brokers().stream().filter(b -> b.brokerId() != brokerId && b.live() && !b.shuttingDown())
                .map(BrokerRegistration::brokerId).collect(Collectors.toSet());
    }
}
