package io.strata.engine.replication;

import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.ControllerLease;
import io.strata.engine.metadata.InMemoryMetadataStore;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller's duties on an in-memory store whose clock (the "database clock") and the controller's
 * monotonic clock the test moves by hand. Broker 1 is the controller; brokers 2 and 3 are the others.
 */
class ControllerDutiesTest {
    private static final long SESSION_MS = 9_000;

    private final AtomicLong storeClockMs = new AtomicLong(1_700_000_000_000L);
    private final AtomicLong controllerNanos = new AtomicLong();
    private final InMemoryMetadataStore memory = new InMemoryMetadataStore(storeClockMs::get, SESSION_MS);
    /** The store as the controller sees it: {@link #storeDown} makes every call fail. */
    private volatile boolean storeDown;
    /** Run once, just before the controller's next partition compare-and-set reaches the store. */
    private volatile Runnable beforeNextCompareAndSet;
    private final MetadataStore store = failingWhenDown(memory);
    private final Map<Integer, Long> brokerEpochs = new HashMap<>();
    private ControllerLease lease;

    @BeforeEach
    void registerBrokersAndTakeTheLease() {
        for (int id = 1; id <= 3; id++) {
            brokerEpochs.put(id, memory.registerBroker(new BrokerRegistration(id, "localhost", 9090 + id, null)).epoch());
        }
        lease = memory.tryAcquireController(1, brokerEpochs.get(1)).orElseThrow();
    }

    private ControllerDuties duties(Map<String, String> logDefaults) {
        return new ControllerDuties(1, store, logDefaults, controllerNanos::get);
    }

    /** Both clocks move on by {@code ms}; the brokers named heartbeat at the end of it. */
    private void passAndHeartbeat(long ms, int... heartbeating) {
        storeClockMs.addAndGet(ms);
        controllerNanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
        for (int id : heartbeating) {
            memory.heartbeat(id, brokerEpochs.get(id));
        }
    }

    private TopicMetadata createTopic(Map<String, String> configs, PartitionMetadata... partitions) {
        return memory.createTopic("t" + memory.topics().size(), configs, List.of(partitions));
    }

    private PartitionMetadata partition(TopicMetadata topic, int index) {
        return memory.topic(topic.id()).orElseThrow().partitions().get(index);
    }

    /** Activates, then lets broker 2 lapse: 10 s pass with only brokers 1 and 3 heartbeating. */
    private void broker2Lapses(ControllerDuties duties) {
        duties.run(lease);
        passAndHeartbeat(5_000, 1, 3);
        duties.run(lease);
        passAndHeartbeat(5_000, 1, 3);
        duties.run(lease);
    }

    @Test
    void aLapsedLeaderIsFencedAndItsLeadershipMovesToTheNextLiveIsrMember() {
        TopicMetadata topic = createTopic(Map.of(),
                new PartitionMetadata(0, 2, 4, List.of(2, 1, 3), List.of(2, 1, 3), 7),
                new PartitionMetadata(1, 3, 0, List.of(3, 2), List.of(3, 2), 0));
        ControllerDuties duties = duties(Map.of());

        duties.run(lease);
        passAndHeartbeat(5_000, 1, 3);
        duties.run(lease);
        assertThat(duties.fencedBrokerCount()).as("broker 2 is still live by the store's clock").isZero();
        assertThat(memory.topic(topic.id())).contains(topic);

        passAndHeartbeat(5_000, 1, 3);
        duties.run(lease);

        assertThat(duties.fencedBrokerCount()).isEqualTo(1);
        assertThat(partition(topic, 0)).isEqualTo(new PartitionMetadata(0, 1, 5, List.of(2, 1, 3), List.of(1, 3), 8));
        assertThat(partition(topic, 1)).as("a follower leaves the ISR; the leader epoch stays")
                .isEqualTo(new PartitionMetadata(1, 3, 0, List.of(3, 2), List.of(3), 1));
    }

    @Test
    void theLastIsrMemberKeepsItsIsrPlaceAndItsPartitionGoesOffline() {
        TopicMetadata topic = createTopic(Map.of(), new PartitionMetadata(0, 2, 4, List.of(2, 3), List.of(2), 0));
        ControllerDuties duties = duties(Map.of());

        broker2Lapses(duties);

        assertThat(partition(topic, 0)).isEqualTo(new PartitionMetadata(0, -1, 5, List.of(2, 3), List.of(2), 1));
    }

    @Test
    void aReturningBrokerIsUnfencedAndReElectedForItsOfflinePartitionButGetsNoOtherLeadershipBack() {
        TopicMetadata topic = createTopic(Map.of(),
                new PartitionMetadata(0, 2, 4, List.of(2, 3), List.of(2), 0),
                new PartitionMetadata(1, 2, 0, List.of(2, 3), List.of(2, 3), 0));
        ControllerDuties duties = duties(Map.of());
        broker2Lapses(duties);
        assertThat(partition(topic, 0).leader()).isEqualTo(-1);
        assertThat(partition(topic, 1).leader()).isEqualTo(3);

        passAndHeartbeat(2_000, 1, 2, 3);
        duties.run(lease);

        assertThat(duties.fencedBrokerCount()).isZero();
        assertThat(partition(topic, 0)).isEqualTo(new PartitionMetadata(0, 2, 6, List.of(2, 3), List.of(2), 2));
        assertThat(partition(topic, 1)).isEqualTo(new PartitionMetadata(1, 3, 1, List.of(2, 3), List.of(3), 1));
    }

    @Test
    void aBrokerInControlledShutdownLosesItsLeadershipsAndIsrPlacesButIsNotFenced() {
        TopicMetadata topic = createTopic(Map.of("unclean.leader.election.enable", "true"),
                new PartitionMetadata(0, 2, 4, List.of(2, 1, 3), List.of(2, 1, 3), 7),
                new PartitionMetadata(1, 3, 0, List.of(3, 2), List.of(3, 2), 0),
                new PartitionMetadata(2, 2, 1, List.of(2, 3), List.of(2), 0));
        ControllerDuties duties = duties(Map.of());
        duties.run(lease);

        memory.requestControlledShutdown(2, brokerEpochs.get(2));
        passAndHeartbeat(1_000, 1, 2, 3);
        duties.run(lease);

        assertThat(duties.fencedBrokerCount()).isZero();
        assertThat(partition(topic, 0)).isEqualTo(new PartitionMetadata(0, 1, 5, List.of(2, 1, 3), List.of(1, 3), 8));
        assertThat(partition(topic, 1)).isEqualTo(new PartitionMetadata(1, 3, 0, List.of(3, 2), List.of(3), 1));
        assertThat(partition(topic, 2)).as("no other in-sync replica: it keeps leading until it stops")
                .isEqualTo(new PartitionMetadata(2, 2, 1, List.of(2, 3), List.of(2), 0));
    }

    @Test
    void aBrokerRegisteringAgainAfterAControlledShutdownCanLeadAgain() {
        TopicMetadata topic = createTopic(Map.of(), new PartitionMetadata(0, -1, 4, List.of(2, 3), List.of(2), 0));
        ControllerDuties duties = duties(Map.of());
        memory.requestControlledShutdown(2, brokerEpochs.get(2));
        duties.run(lease);
        assertThat(partition(topic, 0).leader()).as("not a leader candidate while shutting down").isEqualTo(-1);

        brokerEpochs.put(2, memory.registerBroker(new BrokerRegistration(2, "localhost", 9092, null)).epoch());
        duties.run(lease);

        assertThat(partition(topic, 0)).isEqualTo(new PartitionMetadata(0, 2, 5, List.of(2, 3), List.of(2), 1));
    }

    @Test
    void uncleanElectionByTheBrokerDefaultMakesAnOutOfSyncReplicaTheWholeIsr() {
        TopicMetadata topic = createTopic(Map.of(), new PartitionMetadata(0, 2, 4, List.of(2, 3), List.of(2), 0));
        ControllerDuties duties = duties(Map.of("unclean.leader.election.enable", "true"));

        broker2Lapses(duties);

        assertThat(partition(topic, 0)).isEqualTo(new PartitionMetadata(0, 3, 5, List.of(2, 3), List.of(3), 1));
    }

    @Test
    void aDynamicChangeOfTheBrokerDefaultAppliesAtTheNextElection() {
        TopicMetadata topic = createTopic(Map.of(), new PartitionMetadata(0, 2, 4, List.of(2, 3), List.of(2), 0));
        java.util.concurrent.atomic.AtomicReference<Map<String, String>> defaults =
                new java.util.concurrent.atomic.AtomicReference<>(Map.of());
        ControllerDuties duties = new ControllerDuties(1, store, defaults::get, controllerNanos::get);

        broker2Lapses(duties);
        assertThat(partition(topic, 0).leader()).as("unclean election off by default").isEqualTo(-1);

        defaults.set(Map.of("unclean.leader.election.enable", "true"));
        duties.run(lease);

        assertThat(partition(topic, 0)).isEqualTo(new PartitionMetadata(0, 3, 6, List.of(2, 3), List.of(3), 2));
    }

    @Test
    void aTopicOverrideTurningUncleanElectionOffKeepsThePartitionOffline() {
        TopicMetadata topic = createTopic(Map.of("unclean.leader.election.enable", "false"),
                new PartitionMetadata(0, 2, 4, List.of(2, 3), List.of(2), 0));
        ControllerDuties duties = duties(Map.of("unclean.leader.election.enable", "true"));

        broker2Lapses(duties);

        assertThat(partition(topic, 0).leader()).isEqualTo(-1);
        assertThat(partition(topic, 0).isr()).containsExactly(2);
    }

    @Test
    void aTopicOverrideTurningUncleanElectionOnElectsAnOutOfSyncReplica() {
        TopicMetadata topic = createTopic(Map.of("unclean.leader.election.enable", "true"),
                new PartitionMetadata(0, 2, 4, List.of(2, 3), List.of(2), 0));
        ControllerDuties duties = duties(Map.of());

        broker2Lapses(duties);

        assertThat(partition(topic, 0).leader()).isEqualTo(3);
    }

    @Test
    void aNewControllerFencesNoneWithinASessionTimeoutByItsOwnClock() {
        TopicMetadata topic = createTopic(Map.of(), new PartitionMetadata(0, 2, 4, List.of(2, 3), List.of(2, 3), 0));
        passAndHeartbeat(60_000, 1, 3); // broker 2 lapsed long before this controller took over
        ControllerDuties duties = duties(Map.of());

        duties.run(lease);
        storeClockMs.addAndGet(60_000); // the database clock racing ahead does not end the grace
        memory.heartbeat(1, brokerEpochs.get(1));
        memory.heartbeat(3, brokerEpochs.get(3));
        duties.run(lease);
        passAndHeartbeat(SESSION_MS - 1, 1, 3);
        duties.run(lease);
        assertThat(duties.fencedBrokerCount()).isZero();
        assertThat(memory.topic(topic.id())).contains(topic);

        passAndHeartbeat(1, 1, 3);
        duties.run(lease);

        assertThat(duties.fencedBrokerCount()).isEqualTo(1);
        assertThat(partition(topic, 0).leader()).isEqualTo(3);
    }

    @Test
    void aStoreOutageRestartsTheGraceSoNoBrokerIsFencedWhenTheStoreComesBack() {
        TopicMetadata topic = createTopic(Map.of(), new PartitionMetadata(0, 2, 4, List.of(2, 3), List.of(2, 3), 0));
        ControllerDuties duties = duties(Map.of());
        duties.run(lease);
        passAndHeartbeat(SESSION_MS, 1, 2, 3);
        duties.run(lease);

        storeDown = true;
        passAndHeartbeat(20_000); // no broker can heartbeat
        duties.run(lease);
        storeDown = false;
        duties.run(lease);
        assertThat(duties.fencedBrokerCount()).as("every broker looks lapsed, none is fenced").isZero();
        assertThat(memory.topic(topic.id())).contains(topic);

        passAndHeartbeat(SESSION_MS - 1, 1, 3); // broker 2 never comes back
        duties.run(lease);
        assertThat(duties.fencedBrokerCount()).isZero();
        passAndHeartbeat(1, 1, 3);
        duties.run(lease);

        assertThat(duties.fencedBrokerCount()).isEqualTo(1);
        assertThat(partition(topic, 0)).isEqualTo(new PartitionMetadata(0, 3, 5, List.of(2, 3), List.of(3), 1));
    }

    @Test
    void aDeposedControllerWritesNothing() {
        TopicMetadata topic = createTopic(Map.of(), new PartitionMetadata(0, 2, 4, List.of(2, 3), List.of(2, 3), 0));
        ControllerDuties duties = duties(Map.of());
        duties.run(lease);
        memory.releaseController(1, lease.controllerEpoch());
        ControllerLease successor = memory.tryAcquireController(3, brokerEpochs.get(3)).orElseThrow();

        passAndHeartbeat(10_000, 1, 3);
        duties.run(lease);
        passAndHeartbeat(1_000, 1, 3);
        duties.run(lease);

        assertThat(memory.topic(topic.id())).contains(topic);
        assertThat(successor.controllerEpoch()).isGreaterThan(lease.controllerEpoch());
    }

    @Test
    void aCompareAndSetLostToAConcurrentWriterIsRecomputedOnTheNextTick() {
        TopicMetadata topic = createTopic(Map.of(), new PartitionMetadata(0, 2, 4, List.of(2, 1, 3), List.of(2, 1, 3), 0));
        ControllerDuties duties = duties(Map.of());
        duties.run(lease);
        passAndHeartbeat(10_000, 1, 3);
        // The leader shrinks the ISR between the controller's read and its write.
        PartitionMetadata shrunk = new PartitionMetadata(0, 2, 4, List.of(2, 1, 3), List.of(2, 3), 1);
        beforeNextCompareAndSet = () -> memory.compareAndSetPartition(topic.id(), 0, shrunk);

        duties.run(lease);
        assertThat(partition(topic, 0)).as("the controller's stale write lost").isEqualTo(shrunk);
        duties.run(lease);

        assertThat(partition(topic, 0)).isEqualTo(new PartitionMetadata(0, 3, 5, List.of(2, 1, 3), List.of(3), 2));
    }

    /**
     * {@code delegate} behind a proxy whose every call fails while {@link #storeDown} is set, and which runs
     * {@link #beforeNextCompareAndSet} first when set.
     */
    private MetadataStore failingWhenDown(MetadataStore delegate) {
        return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
                    if (storeDown) {
                        throw new IllegalStateException("the metadata store is unreachable");
                    }
                    Runnable hook = beforeNextCompareAndSet;
                    if (hook != null && method.getName().equals("compareAndSetPartition")) {
                        beforeNextCompareAndSet = null;
                        hook.run();
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
