package io.strata.admin.service.consumer;

import io.strata.admin.config.HttpNodeIdentity;
import io.strata.admin.error.RestException;
import io.strata.admin.service.consumer.directory.DirectoryEntry;
import io.strata.admin.service.consumer.directory.InstanceDirectory;
import io.strata.admin.service.consumer.directory.InstanceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.util.function.LongSupplier;

/**
 * Which node serves each v2 consumer instance. Creating one claims it (epoch 1, or the next after a lapsed
 * entry); a request for one is served here, forwarded to its owner, or, once the owner's lease has lapsed,
 * preceded by a takeover: a claim with the next epoch, then, after the reader has read the log up to it, the
 * first claim of that epoch in log order has won (every node sees the same order in the one partition). The
 * winner recreates the consumer from the definition; it resumes from the group's committed offsets. Claims for
 * one instance are serialized on this node.
 */
@Service
public class InstanceOwnership {
    private static final Logger log = LoggerFactory.getLogger(InstanceOwnership.class);

    private final InstanceDirectory directory;
    private final ConsumerInstanceRegistry registry;
    private final InstanceLeaseKeeper leases;
    private final HttpNodeIdentity node;
    private final LongSupplier clock;
    /** Claims of one instance on this node run one at a time; striped so the locks never grow with names. */
    private final Object[] claimLocks = new Object[64];

    @Autowired
    public InstanceOwnership(InstanceDirectory directory, ConsumerInstanceRegistry registry,
                             InstanceLeaseKeeper leases, HttpNodeIdentity node) {
        this(directory, registry, leases, node, System::currentTimeMillis);
    }

    InstanceOwnership(InstanceDirectory directory, ConsumerInstanceRegistry registry, InstanceLeaseKeeper leases,
                      HttpNodeIdentity node, LongSupplier clock) {
        this.directory = directory;
        this.registry = registry;
        this.leases = leases;
        this.node = node;
        this.clock = clock;
        for (int i = 0; i < claimLocks.length; i++) {
            claimLocks[i] = new Object();
        }
        directory.listener(this::applied);
    }

    /** Where a request goes once this node has decided (and taken over, when that was due). */
    public record Routing(InstanceRoute route, String ownerUrl) {
    }

    /** A new instance owned by this node; 409/40902 when one of that name lives (here or on another node). */
    public ConsumerInstance create(ConsumerInstanceDefinition definition) {
        InstanceKey key = new InstanceKey(definition.group(), definition.name());
        synchronized (claimLock(key)) {
            DirectoryEntry current = directory.get(key);
            if (current != null && current.leaseValidAt(clock.getAsLong())) {
                throw nameTaken(definition);
            }
            closeStale(key);
            DirectoryEntry won = claim(key, definition, current);
            if (won == null) {
                throw nameTaken(definition);
            }
            ConsumerInstance instance = registry.create(definition);
            leases.hold(won, clock.getAsLong());
            return instance;
        }
    }

    /**
     * SERVE (the instance is live here, taken over if it had to be), FORWARD (with the owner's URL) or
     * NOT_FOUND. {@code forwarded}: another node sent the request, which is then never forwarded again.
     */
    public Routing route(String group, String name, boolean forwarded) {
        InstanceKey key = new InstanceKey(group, name);
        DirectoryEntry entry = directory.get(key);
        InstanceRoute route = decide(key, entry, forwarded);
        if (route == InstanceRoute.NOT_FOUND || route == InstanceRoute.CLAIM) {
            // A lagging view must neither hide an instance another node just created nor start a takeover.
            entry = directory.getSynced(key);
            route = decide(key, entry, forwarded);
        }
        if (route == InstanceRoute.CLAIM) {
            return takeOver(key, forwarded);
        }
        if (route != InstanceRoute.SERVE) {
            closeStale(key);
        }
        return new Routing(route, entry == null ? null : entry.ownerUrl());
    }

    private Routing takeOver(InstanceKey key, boolean forwarded) {
        synchronized (claimLock(key)) {
            DirectoryEntry current = directory.getSynced(key);
            InstanceRoute route = decide(key, current, forwarded);
            if (route != InstanceRoute.CLAIM) {
                return new Routing(route, current == null ? null : current.ownerUrl());
            }
            closeStale(key);
            DirectoryEntry won = claim(key, current.definition(), current);
            if (won == null) {
                DirectoryEntry winner = directory.get(key);
                return winner == null || forwarded ? new Routing(InstanceRoute.NOT_FOUND, null)
                        : new Routing(InstanceRoute.FORWARD, winner.ownerUrl());
            }
            registry.adopt(won.definition());
            leases.hold(won, clock.getAsLong());
            log.info("Took over HTTP consumer instance {} of group {} from node {} (epoch {})", key.name(),
                    key.group(), current.ownerNodeId(), won.ownerEpoch());
            return new Routing(InstanceRoute.SERVE, node.url());
        }
    }

    /**
     * Writes a claim with the epoch after {@code current}'s and reads the log up to it: the entry then in the
     * directory if this claim won, else null.
     */
    private DirectoryEntry claim(InstanceKey key, ConsumerInstanceDefinition definition, DirectoryEntry current) {
        long now = clock.getAsLong();
        DirectoryEntry claim = new DirectoryEntry(definition, node.id(), node.url(), leases.terms().expiryFrom(now),
                current == null ? 1 : current.ownerEpoch() + 1);
        directory.awaitRead(directory.write(key, claim));
        DirectoryEntry after = directory.get(key);
        return after != null && after.ownedBy(node.id()) && after.ownerEpoch() == claim.ownerEpoch() ? after : null;
    }

    private Object claimLock(InstanceKey key) {
        return claimLocks[Math.floorMod(key.hashCode(), claimLocks.length)];
    }

    private InstanceRoute decide(InstanceKey key, DirectoryEntry entry, boolean forwarded) {
        boolean live = registry.find(key.group(), key.name()) != null && leases.holds(key);
        return InstanceRoute.decide(entry, node.id(), clock.getAsLong(), live, forwarded);
    }

    /** A consumer held here for an instance this node no longer owns is closed before anything else happens. */
    private void closeStale(InstanceKey key) {
        leases.lost(key, "this node does not own it");
    }

    /** On the reader thread: another owner (or a deletion) means this node's consumer of it must go. */
    private void applied(InstanceKey key, DirectoryEntry entry) {
        if (entry == null) {
            leases.lostLater(key, Long.MAX_VALUE);
        } else if (!entry.ownedBy(node.id())) {
            leases.lostLater(key, entry.ownerEpoch());
        }
    }

    private static RestException nameTaken(ConsumerInstanceDefinition definition) {
        return new RestException(HttpStatus.CONFLICT, 40902, "Consumer with specified consumer ID "
                + definition.name() + " already exists in group " + definition.group() + ".");
    }
}
