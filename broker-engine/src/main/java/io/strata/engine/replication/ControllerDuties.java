package io.strata.engine.replication;

import io.strata.engine.config.LogConfig;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.ControllerLease;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the active controller does on every controller tick: fences brokers whose lease lapsed, moves their
 * leaderships and ISR memberships away ({@link LeaderElection}), elects leaders for offline partitions, and
 * unfences brokers that heartbeat again. Fenced brokers do not get their leaderships back except through
 * the offline-partition election (preferred-leader election is not done here). A live broker in controlled
 * shutdown ({@link BrokerRegistration#shuttingDown()}) is not fenced, but loses its leaderships and ISR
 * memberships the same way, so that it can stop without an acks=all write waiting on it
 * ({@link LeaderElection} keeps it only where no other in-sync replica could take over).
 *
 * <p>Liveness is the store's (judged by the database clock), with one guard: a database outage stops every
 * heartbeat, so when the store comes back every broker looks dead at once. So on activation (a new
 * controller epoch) and after a tick whose store calls failed, this controller counts every registered
 * broker as heartbeating now and fences none until a full session timeout has passed by its own monotonic
 * clock, as KRaft does on activation. After that window the store's verdict alone decides (counting the
 * timeout again from each live sighting would fence only after two session timeouts).
 *
 * <p>All partition changes of one tick are written in one {@link MetadataStore#asController} transaction,
 * each a compare-and-set on its partition epoch; one lost to a concurrent writer (a leader changing its ISR)
 * is recomputed on the next tick. A {@link NotControllerException} means this controller was deposed: it
 * writes nothing more under that epoch. Other store failures are logged once per run of failures and the
 * tick is retried with the next one.
 *
 * <p>Thread-safety: {@link #run} is called by one thread (the broker's heartbeat); {@link #fencedBrokerCount()}
 * may be read from any thread.
 */
public final class ControllerDuties {
    private static final Logger log = LoggerFactory.getLogger(ControllerDuties.class);
    private static final long NONE = Long.MIN_VALUE;

    private final int brokerId;
    private final MetadataStore store;
    /** The controller broker's effective topic defaults (static and dynamic), read at each election. */
    private final Supplier<Map<String, String>> logDefaults;
    private final LongSupplier nanoClock;

    /** The controller epoch the state below belongs to; {@link #NONE} before the first run. */
    private long activeEpoch = NONE;
    /** An epoch the store refused: runs under it do nothing. */
    private long deposedEpoch = NONE;
    /** Set on activation and after a failed tick: the next successful tick restarts every broker's grace. */
    private boolean graceRestarts = true;
    /** By the monotonic clock: since when this controller counts each broker as heartbeating (grace start). */
    private final Map<Integer, Long> heartbeatingSinceNanos = new HashMap<>();
    private final Set<Integer> fenced = new TreeSet<>();
    private volatile int fencedCount;
    private boolean failing;

    /**
     * @param logDefaults this broker's effective topic config defaults, keyed by topic config name (static and dynamic,
     *                    as {@code BrokerLogDefaults.topicDefaults()} resolves them), for
     *                    {@code unclean.leader.election.enable}; read at each election so dynamic changes apply
     */
    public ControllerDuties(int brokerId, MetadataStore store, Supplier<Map<String, String>> logDefaults) {
        this(brokerId, store, logDefaults, System::nanoTime);
    }

    ControllerDuties(int brokerId, MetadataStore store, Map<String, String> logDefaults, LongSupplier nanoClock) {
        this(brokerId, store, () -> logDefaults, nanoClock);
    }

    ControllerDuties(int brokerId, MetadataStore store, Supplier<Map<String, String>> logDefaults,
                     LongSupplier nanoClock) {
        this.brokerId = brokerId;
        this.store = store;
        this.logDefaults = logDefaults;
        this.nanoClock = nanoClock;
    }

    /**
     * One controller tick under {@code lease}, which this broker holds now; its duration is the broker session
     * timeout (the store grants the lease for exactly that long).
     */
    public void run(ControllerLease lease) {
        long epoch = lease.controllerEpoch();
        if (epoch == deposedEpoch) {
            return;
        }
        if (epoch != activeEpoch) {
            activate(epoch);
        }
        try {
            List<BrokerRegistration> brokers = store.brokers();
            Set<Integer> live = updateFencing(brokers, lease.durationMs() * 1_000_000);
            Set<Integer> shuttingDown = shuttingDown(brokers, live);
            Set<Integer> eligible = new HashSet<>(live);
            eligible.removeAll(shuttingDown);
            List<TopicMetadata> topics = store.topics();
            List<Change> changes = changes(topics, shuttingDown, eligible);
            if (!changes.isEmpty()) {
                logCommitted(changes, store.asController(epoch, () -> write(changes)));
            }
            if (failing) {
                log.info("Controller {} reaches the metadata store again", brokerId);
            }
            failing = false;
        } catch (NotControllerException e) {
            deposedEpoch = epoch;
            log.warn("Controller {} was deposed (epoch {}): {}", brokerId, epoch, e.getMessage());
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Controller {} cannot read or write the metadata store; no broker is fenced until a session"
                        + " timeout after it is back", brokerId, e);
            }
            failing = true;
            graceRestarts = true;
        }
    }

    /** How many brokers this controller holds fenced (0 when it is not the controller). */
    public int fencedBrokerCount() {
        return fencedCount;
    }

    private void activate(long epoch) {
        activeEpoch = epoch;
        graceRestarts = true;
        fenced.clear();
        fencedCount = 0;
        log.info("Controller {} active with epoch {}: no broker is fenced within a session timeout", brokerId, epoch);
    }

    /** Fences lapsed brokers past their grace, unfences live ones; returns the live (unfenced) brokers. */
    private Set<Integer> updateFencing(List<BrokerRegistration> brokers, long sessionTimeoutNanos) {
        long now = nanoClock.getAsLong();
        if (graceRestarts) {
            heartbeatingSinceNanos.clear();
            graceRestarts = false;
        }
        Set<Integer> eligible = new HashSet<>();
        for (BrokerRegistration broker : brokers) {
            int id = broker.brokerId();
            long since = heartbeatingSinceNanos.computeIfAbsent(id, k -> now);
            if (broker.live()) {
                eligible.add(id);
                if (fenced.remove(id)) {
                    log.info("Controller {} unfences broker {}: it heartbeats again", brokerId, id);
                }
            } else if (now - since >= sessionTimeoutNanos && fenced.add(id)) {
                log.info("Controller {} fences broker {}: its lease lapsed", brokerId, id);
            }
        }
        fencedCount = fenced.size();
        return eligible;
    }

    /** The live brokers whose current registration announced a controlled shutdown. */
    private static Set<Integer> shuttingDown(List<BrokerRegistration> brokers, Set<Integer> live) {
        Set<Integer> out = new HashSet<>();
        for (BrokerRegistration broker : brokers) {
            if (broker.shuttingDown() && live.contains(broker.brokerId())) {
                out.add(broker.brokerId());
            }
        }
        return out;
    }

    private List<Change> changes(List<TopicMetadata> topics, Set<Integer> shuttingDown, Set<Integer> eligible) {
        List<Change> changes = new ArrayList<>();
        for (TopicMetadata topic : topics) {
            boolean unclean = uncleanLeaderElectionEnable(topic);
            for (PartitionMetadata partition : topic.partitions()) {
                LeaderElection.next(partition, fenced, shuttingDown, eligible, unclean).ifPresent(next ->
                        changes.add(new Change(topic.id(), topic.name(), partition, next)));
            }
        }
        return changes;
    }

    /** Inside the controller transaction: each change's stored partition, or null where its compare-and-set lost. */
    private List<PartitionMetadata> write(List<Change> changes) {
        List<PartitionMetadata> stored = new ArrayList<>(changes.size());
        for (Change change : changes) {
            stored.add(store.compareAndSetPartition(change.topicId(), change.current().partitionEpoch(),
                    change.next()).orElse(null));
        }
        return stored;
    }

    private void logCommitted(List<Change> changes, List<PartitionMetadata> stored) {
        int lost = 0;
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            PartitionMetadata after = stored.get(i);
            if (after == null) {
                lost++;
            } else if (after.leader() != change.current().leader()) {
                log.info("Controller {}: {}-{} leader {} -> {} (leader epoch {}), ISR {}", brokerId, change.topicName(),
                        after.partition(), change.current().leader(), after.leader(), after.leaderEpoch(), after.isr());
            }
        }
        if (lost > 0) {
            log.debug("Controller {}: {} of {} partition changes lost to concurrent writers; retried next tick",
                    brokerId, lost, changes.size());
        }
    }

    /** The topic's override, else the broker default; a value that does not parse counts as false (the safe one). */
    private boolean uncleanLeaderElectionEnable(TopicMetadata topic) {
        try {
            return LogConfig.from(logDefaults.get(), topic.configs()).uncleanLeaderElectionEnable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private record Change(Uuid topicId, String topicName, PartitionMetadata current, PartitionMetadata next) {
    }
}
