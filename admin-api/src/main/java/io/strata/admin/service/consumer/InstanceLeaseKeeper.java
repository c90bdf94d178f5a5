package io.strata.admin.service.consumer;

import io.strata.admin.config.HttpApiProperties;
import io.strata.admin.config.HttpNodeIdentity;
import io.strata.admin.service.consumer.directory.DirectoryEntry;
import io.strata.admin.service.consumer.directory.InstanceDirectory;
import io.strata.admin.service.consumer.directory.InstanceKey;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The leases this node holds on the instances it serves, and every directory write about them: renewals (with
 * the current definition) every third of the lease, definition changes at once, a tombstone when an instance
 * is deleted or expires, a release (lease 0) at shutdown. When renewals go unacknowledged until shortly before
 * the lease lapses, or the directory shows another owner, the instance's consumer is closed here, so two live
 * members of one instance never exist. One scheduler thread, started and stopped here, does the periodic work;
 * writes about one instance are ordered by its {@link Lease}'s monitor.
 */
@Component
public class InstanceLeaseKeeper implements ConsumerInstanceRegistry.Listener {
    private static final Logger log = LoggerFactory.getLogger(InstanceLeaseKeeper.class);

    private final InstanceDirectory directory;
    private final ConsumerInstanceRegistry registry;
    private final HttpNodeIdentity node;
    private final LeaseTerms terms;
    private final LongSupplier clock;
    private final Map<InstanceKey, Lease> leases = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private volatile boolean halted;

    @Autowired
    public InstanceLeaseKeeper(InstanceDirectory directory, ConsumerInstanceRegistry registry, HttpNodeIdentity node,
                               HttpApiProperties properties) {
        this(directory, registry, node, new LeaseTerms(properties.consumerInstanceLease()), System::currentTimeMillis);
    }

    InstanceLeaseKeeper(InstanceDirectory directory, ConsumerInstanceRegistry registry, HttpNodeIdentity node,
                        LeaseTerms terms, LongSupplier clock) {
        this.directory = directory;
        this.registry = registry;
        this.node = node;
        this.terms = terms;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "strata-http-consumer-leases");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::check, terms.checkEveryMs(), terms.checkEveryMs(), TimeUnit.MILLISECONDS);
        registry.listener(this);
    }

    public LeaseTerms terms() {
        return terms;
    }

    /** This node won {@code claim}; its instance is live here now. */
    void hold(DirectoryEntry claim, long claimedAtMs) {
        leases.put(claim.key(), new Lease(claim.ownerEpoch(), claimedAtMs, claim.leaseExpiresAtMs()));
    }

    /** Whether this node holds a lease on the instance (it may still have lapsed: see the entry). */
    boolean holds(InstanceKey key) {
        return leases.containsKey(key);
    }

    /** The directory shows another owner (or none): close the consumer here, soon, off the caller's thread. */
    void lostLater(InstanceKey key, long epochSeen) {
        Lease lease = leases.get(key);
        if (lease != null && epochSeen > lease.epoch) {
            try {
                scheduler.execute(() -> lost(key, "another node took it over (epoch " + epochSeen + ")"));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("Stopping: instance {} is closed with the node", key.name());
            }
        }
    }

    /** Forgets the lease and closes the consumer here, writing nothing. */
    void lost(InstanceKey key, String why) {
        Lease lease = leases.remove(key);
        if (lease != null) {
            synchronized (lease) {
                lease.gone = true;
            }
        }
        if (registry.closeLocal(key.group(), key.name())) {
            log.info("Closed HTTP consumer instance {} of group {} here: {}", key.name(), key.group(), why);
        }
    }

    @Override
    public void changed(ConsumerInstanceDefinition definition) {
        Lease lease = leases.get(key(definition));
        if (lease == null) {
            return;
        }
        synchronized (lease) {
            if (!lease.gone) {
                long now = clock.getAsLong();
                long expiry = terms.expiryFrom(now);
                directory.write(key(definition), entry(definition, lease.epoch, expiry));
                lease.lastSentMs = now;
                lease.acknowledgedExpiryMs = expiry;
            }
        }
    }

    @Override
    public void removed(ConsumerInstanceDefinition definition) {
        Lease lease = leases.remove(key(definition));
        if (lease == null) {
            return;
        }
        synchronized (lease) {
            lease.gone = true;
            directory.write(key(definition), null);
        }
    }

    /** The scheduler's pass: give up leases about to lapse, renew those due. Package-private for tests. */
    void check() {
        for (Map.Entry<InstanceKey, Lease> held : List.copyOf(leases.entrySet())) {
            InstanceKey key = held.getKey();
            Lease lease = held.getValue();
            try {
                long now = clock.getAsLong();
                DirectoryEntry entry = directory.get(key);
                if (entry == null || (!entry.ownedBy(node.id()) && entry.ownerEpoch() >= lease.epoch)) {
                    lost(key, "the directory shows another owner");
                } else if (terms.mustGiveUp(now, lease.acknowledgedExpiryMs)) {
                    lost(key, "its lease could not be renewed in time");
                } else if (terms.renewDue(now, lease.lastSentMs)) {
                    renew(key, lease, now);
                }
            } catch (RuntimeException e) {
                log.warn("Renewing the lease of HTTP consumer instance {} failed", key.name(), e);
            }
        }
    }

    private void renew(InstanceKey key, Lease lease, long now) {
        ConsumerInstance instance = registry.find(key.group(), key.name());
        if (instance == null) {
            leases.remove(key, lease);
            return;
        }
        synchronized (lease) {
            if (lease.gone) {
                return;
            }
            long expiry = terms.expiryFrom(now);
            lease.lastSentMs = now;
            directory.writeAsync(key, entry(instance.definition(), lease.epoch, expiry)).thenRun(() -> {
                synchronized (lease) {
                    lease.acknowledgedExpiryMs = Math.max(lease.acknowledgedExpiryMs, expiry);
                }
            });
        }
    }

    /**
     * Stops renewing and forgets every lease without writing anything, as a node that crashed would: other
     * nodes take its instances over once the leases lapse. For failover tests.
     */
    public void haltWithoutRelease() {
        halted = true;
        stopScheduler();
        leases.clear();
    }

    /**
     * At shutdown: closes every instance here (its member leaves the group), then releases its lease (expiry 0)
     * so another node can take it over at once.
     */
    @PreDestroy
    public void releaseAll() {
        stopScheduler();
        if (halted) {
            return;
        }
        List<CompletableFuture<?>> releases = new ArrayList<>();
        for (Map.Entry<InstanceKey, Lease> held : List.copyOf(leases.entrySet())) {
            InstanceKey key = held.getKey();
            Lease lease = held.getValue();
            ConsumerInstance instance = registry.find(key.group(), key.name());
            lost(key, "this node is stopping");
            if (instance != null) {
                try {
                    releases.add(directory.writeAsync(key, entry(instance.definition(), lease.epoch, 0)));
                } catch (RuntimeException e) {
                    log.warn("Could not release the lease of HTTP consumer instance {}", key.name(), e);
                }
            }
        }
        try {
            CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Not every HTTP consumer instance lease was released; they lapse instead: {}", e.toString());
        }
    }

    /** Lets a pass in progress finish (never interrupting a Kafka client call), then runs no more. */
    private void stopScheduler() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("The HTTP consumer lease keeper's last pass did not finish in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DirectoryEntry entry(ConsumerInstanceDefinition definition, long epoch, long expiry) {
        return new DirectoryEntry(definition, node.id(), node.url(), expiry, epoch);
    }

    private static InstanceKey key(ConsumerInstanceDefinition definition) {
        return new InstanceKey(definition.group(), definition.name());
    }

    /** A lease held: its epoch, when it was last renewed, until when the cluster has acknowledged it. */
    private static final class Lease {
        final long epoch;
        volatile long lastSentMs;
        volatile long acknowledgedExpiryMs;
        volatile boolean gone;

        Lease(long epoch, long lastSentMs, long acknowledgedExpiryMs) {
            this.epoch = epoch;
            this.lastSentMs = lastSentMs;
            this.acknowledgedExpiryMs = acknowledgedExpiryMs;
        }
    }
}
