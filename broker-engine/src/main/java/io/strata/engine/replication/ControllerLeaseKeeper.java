package io.strata.engine.replication;

import io.strata.engine.metadata.ControllerLease;
import io.strata.engine.metadata.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Takes and keeps this broker's controller lease. {@link #tick(long)} runs with every heartbeat of the
 * broker: it renews the lease while this broker holds it, and otherwise tries to take it (the store only
 * grants a free or expired lease). This broker acts as controller only while its last renewal is known to
 * be within the lease: a renewal refused because the lease carries another epoch ends it at once, and when
 * renewals fail (store unreachable) it ends once the lease duration has passed since the last renewal that
 * succeeded was <em>sent</em>, by this broker's monotonic clock, which never outlives the store's view of
 * the lease. Every controller write must still go through {@link MetadataStore#asController}, which is
 * what actually fences a deposed controller.
 *
 * <p>Thread-safety: {@link #tick(long)} is called by one thread (the heartbeat); the state read by
 * {@link #isActive()} and {@link #epoch()} is published through volatiles.
 */
public final class ControllerLeaseKeeper {
    private static final Logger log = LoggerFactory.getLogger(ControllerLeaseKeeper.class);

    private final int brokerId;
    private final MetadataStore store;
    private final LongSupplier nanoClock;
    /** The lease this broker holds, or null. */
    private volatile ControllerLease lease;
    /** Monotonic deadline (nanos) of the held lease, by this broker's clock. */
    private volatile long validUntilNanos;
    private boolean failing;

    public ControllerLeaseKeeper(int brokerId, MetadataStore store) {
        this(brokerId, store, System::nanoTime);
    }

    ControllerLeaseKeeper(int brokerId, MetadataStore store, LongSupplier nanoClock) {
        this.brokerId = brokerId;
        this.store = store;
        this.nanoClock = nanoClock;
    }

    /** Renews the held lease or tries to take a free one; store failures are logged and retried next tick. */
    public void tick(long brokerEpoch) {
        long sentNanos = nanoClock.getAsLong();
        ControllerLease held = lease;
        try {
            Optional<ControllerLease> result = held != null
                    ? store.renewController(brokerId, held.controllerEpoch())
                    : store.tryAcquireController(brokerId, brokerEpoch);
            failing = false;
            if (result.isPresent()) {
                validUntilNanos = sentNanos + result.get().durationMs() * 1_000_000;
                if (held == null) {
                    log.info("Broker {} is the controller with controller epoch {}", brokerId,
                            result.get().controllerEpoch());
                }
                lease = result.get();
            } else if (held != null) {
                lease = null;
                log.warn("Broker {} lost the controller lease (epoch {}): another broker holds a newer epoch",
                        brokerId, held.controllerEpoch());
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Broker {} cannot {} the controller lease", brokerId, held != null ? "renew" : "acquire", e);
            }
            failing = true;
            expireIfLapsed();
        }
    }

    private void expireIfLapsed() {
        ControllerLease held = lease;
        if (held != null && nanoClock.getAsLong() - validUntilNanos >= 0) {
            lease = null;
            log.warn("Broker {} stops acting as controller (epoch {}): its lease lapsed without a renewal", brokerId,
                    held.controllerEpoch());
        }
    }

    /** Whether this broker holds the controller lease now. */
    public boolean isActive() {
        ControllerLease held = lease;
        return held != null && nanoClock.getAsLong() - validUntilNanos < 0;
    }

    /** The epoch of the lease this broker holds now, or empty when it is not the controller. */
    public Optional<Long> epoch() {
        ControllerLease held = lease;
        return isActive() && held != null ? Optional.of(held.controllerEpoch()) : Optional.empty();
    }

    /** The lease this broker holds now (its duration is the session timeout), or empty when it is not the controller. */
    public Optional<ControllerLease> activeLease() {
        ControllerLease held = lease;
        return isActive() && held != null ? Optional.of(held) : Optional.empty();
    }

    /** Stops acting as controller (a crash simulation); the lease lapses in the store after its duration. */
    public void stop() {
        lease = null;
    }

    /**
     * Graceful shutdown: stops acting as controller and gives the lease back, so a survivor takes over at its
     * next heartbeat instead of after the lease expires. Call only once {@link #tick} can no longer run. A
     * store failure is logged: the lease then lapses as after a crash.
     */
    public void release() {
        ControllerLease held = lease;
        lease = null;
        if (held == null) {
            return;
        }
        try {
            store.releaseController(brokerId, held.controllerEpoch());
            log.info("Broker {} gave up the controller lease (epoch {})", brokerId, held.controllerEpoch());
        } catch (RuntimeException e) {
            log.warn("Broker {} could not give up the controller lease; it lapses in {} ms", brokerId,
                    held.durationMs(), e);
        }
    }
}
