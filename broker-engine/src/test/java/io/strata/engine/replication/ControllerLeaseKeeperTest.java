package io.strata.engine.replication;

import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.ControllerLease;
import io.strata.engine.metadata.InMemoryMetadataStore;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The lease keeper on a store and clocks the test moves by hand. */
class ControllerLeaseKeeperTest {
    private static final long SESSION_MS = 9_000;

    private final AtomicLong storeClockMs = new AtomicLong(1_700_000_000_000L);
    private final AtomicLong brokerNanos = new AtomicLong();
    private final InMemoryMetadataStore store = new InMemoryMetadataStore(storeClockMs::get, SESSION_MS);

    private ControllerLeaseKeeper keeperFor(int brokerId) {
        return new ControllerLeaseKeeper(brokerId, store, brokerNanos::get);
    }

    private long register(int brokerId) {
        return store.registerBroker(new BrokerRegistration(brokerId, "localhost", 9092 + brokerId, null)).epoch();
    }

    @Test
    void aReleasedLeaseIsFreeAtOnceAndTheNextHolderGetsAHigherEpoch() {
        long epoch1 = register(1);
        long epoch2 = register(2);
        ControllerLeaseKeeper first = keeperFor(1);
        ControllerLeaseKeeper second = keeperFor(2);
        first.tick(epoch1);
        second.tick(epoch2);
        assertThat(first.isActive()).isTrue();
        assertThat(second.isActive()).as("the lease is held and unexpired").isFalse();
        long firstEpoch = first.epoch().orElseThrow();

        first.release();

        assertThat(first.isActive()).isFalse();
        assertThat(store.controller()).as("free without any time passing").isEmpty();
        second.tick(epoch2);
        assertThat(second.isActive()).isTrue();
        assertThat(second.epoch().orElseThrow()).isGreaterThan(firstEpoch);
    }

    @Test
    void aStoppedKeeperLeavesTheLeaseToExpireAsAfterACrash() {
        long epoch1 = register(1);
        long epoch2 = register(2);
        ControllerLeaseKeeper first = keeperFor(1);
        first.tick(epoch1);

        first.stop();

        assertThat(first.isActive()).isFalse();
        assertThat(store.controller()).map(ControllerLease::brokerId).contains(1);
        storeClockMs.addAndGet(SESSION_MS + 1);
        store.heartbeat(2, epoch2);
        ControllerLeaseKeeper second = keeperFor(2);
        second.tick(epoch2);
        assertThat(second.isActive()).isTrue();
    }

    @Test
    void releasingALeaseThatIsNoLongerHeldChangesNothing() {
        long epoch1 = register(1);
        long epoch2 = register(2);
        ControllerLeaseKeeper first = keeperFor(1);
        first.tick(epoch1);
        long stale = first.epoch().orElseThrow();
        storeClockMs.addAndGet(SESSION_MS + 1);
        store.heartbeat(2, epoch2);
        ControllerLeaseKeeper second = keeperFor(2);
        second.tick(epoch2);

        store.releaseController(1, stale);

        assertThat(store.controller()).map(ControllerLease::brokerId).contains(2);
    }
}
