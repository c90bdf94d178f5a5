package io.strata.platform.metadata;

import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.ControllerLease;
import io.strata.engine.metadata.FinalizedFeatures;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link JdbcMetadataStore} contract, run once per database by the subclasses. One Spring context
 * (datasource, Flyway, the store; no broker) is shared by the tests of a class, so every test uses
 * its own topic names and broker ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractMetadataStoreTest {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private ConfigurableApplicationContext context;
    protected JdbcMetadataStore store;

    /** {@code spring.datasource.*} properties of the database under test; may skip the class. */
    protected abstract Map<String, String> datasourceProperties() throws Exception;

    /** Whether commits on this database are forced to disk by {@link EmbeddedDatabaseSync}. */
    protected abstract boolean forcesCommitsToDisk();

    /** Short enough for the liveness test to wait it out. */
    static final long SESSION_TIMEOUT_MS = 1_500;

    @BeforeAll
    void openStore() throws Exception {
        context = startContext();
        store = context.getBean(JdbcMetadataStore.class);
    }

    private ConfigurableApplicationContext startContext() throws Exception {
        Map<String, String> properties = new java.util.HashMap<>(datasourceProperties());
        properties.put("strata.broker.session-timeout", SESSION_TIMEOUT_MS + "ms");
        return MetadataStoreTestApplication.start(properties);
    }

    /** The shared context of the store under test. */
    protected ConfigurableApplicationContext context() {
        return context;
    }

    /** Called after the shared context is closed, to drop what {@link #datasourceProperties()} created. */
    protected void releaseDatabase() throws Exception {
    }

    @AfterAll
    void closeStore() throws Exception {
        if (context != null) {
            context.close();
        }
        releaseDatabase();
    }

    @Test
    void clusterIdIsCreatedOnceAndStable() {
        String id = store.clusterId();
        assertThat(id).isNotBlank();
        assertThat(Uuid.fromString(id)).isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(store.clusterId()).isEqualTo(id);
        assertThat(context.getBean(MetadataTransactions.class).loadOrClaimClusterId(Uuid.randomUuid().toString()))
                .as("a later claim must not replace the stored id").isEqualTo(id);
    }

    @Test
    void createdTopicIsReadableByNameByIdAndInTheList() {
        String name = uniqueName("orders");
        Map<String, String> configs = Map.of("cleanup.policy", "compact", "retention.ms", "3600000");
        List<PartitionMetadata> partitions = List.of(
                new PartitionMetadata(1, 2, 0, List.of(2, 0), List.of(2), 0),
                new PartitionMetadata(0, 1, 3, List.of(1, 2, 0), List.of(1, 2, 0), 5),
                new PartitionMetadata(2, 0, 0, List.of(0), List.of(0), 0));

        TopicMetadata created = store.createTopic(name, configs, partitions);

        assertThat(created.id()).isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(created.name()).isEqualTo(name);
        assertThat(created.configs()).isEqualTo(configs);
        assertThat(created.partitions()).extracting(PartitionMetadata::partition).containsExactly(0, 1, 2);
        assertThat(created.partitions().get(0)).isEqualTo(partitions.get(1));
        assertThat(store.topic(name)).contains(created);
        assertThat(store.topic(created.id())).contains(created);
        assertThat(store.topics()).contains(created);
    }

    @Test
    void unknownTopicsAreEmpty() {
        assertThat(store.topic(uniqueName("missing"))).isEmpty();
        assertThat(store.topic(Uuid.randomUuid())).isEmpty();
    }

    @Test
    void topicListIsSortedByName() {
        String prefix = uniqueName("sorted");
        store.createTopic(prefix + "-b", Map.of(), partitions(1));
        store.createTopic(prefix + "-a", Map.of(), partitions(1));

        List<String> names = store.topics().stream().map(TopicMetadata::name).toList();

        assertThat(names).isSortedAccordingTo(Comparator.naturalOrder()).contains(prefix + "-a", prefix + "-b");
    }

    @Test
    void duplicateTopicNameIsRejectedAndTheOriginalKept() {
        String name = uniqueName("dup");
        TopicMetadata original = store.createTopic(name, Map.of("retention.ms", "1000"), partitions(2));

        assertThatThrownBy(() -> store.createTopic(name, Map.of(), partitions(5)))
                .isInstanceOf(TopicExistsException.class)
                .hasMessageContaining(name);
        assertThat(store.topic(name)).contains(original);
    }

    @Test
    void concurrentCreatesOfOneNameLetExactlyOneWin() throws Exception {
        String name = uniqueName("race");
        int threads = 6;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            attempts.add(() -> {
                start.await();
                try {
                    store.createTopic(name, Map.of(), partitions(1));
                    return true;
                } catch (TopicExistsException e) {
                    return false;
                }
            });
        }
        List<Boolean> outcomes = runConcurrently(attempts, start);

        assertThat(outcomes).containsOnlyOnce(true);
        assertThat(store.topics().stream().filter(t -> t.name().equals(name))).hasSize(1);
    }

    @Test
    void deleteRemovesTopicPartitionsAndConfigsAndFreesTheName() {
        String name = uniqueName("doomed");
        TopicMetadata topic = store.createTopic(name, Map.of("retention.ms", "1"), partitions(3));

        store.deleteTopic(topic.id());

        assertThat(store.topic(name)).isEmpty();
        assertThat(store.topic(topic.id())).isEmpty();
        assertThat(store.topics()).extracting(TopicMetadata::name).doesNotContain(name);
        TopicMetadata recreated = store.createTopic(name, Map.of(), partitions(1));
        assertThat(recreated.id()).isNotEqualTo(topic.id());
        assertThat(recreated.configs()).isEmpty();
        assertThat(recreated.partitions()).hasSize(1);
    }

    @Test
    void deletingAnUnknownTopicIsANoOp() {
        long version = store.metadataVersion();

        store.deleteTopic(Uuid.randomUuid());

        assertThat(store.metadataVersion()).isEqualTo(version);
    }

    @Test
    void configsRoundTripAndAreReplacedWholesale() {
        String longValue = "x".repeat(MetadataLimits.MAX_CONFIG_VALUE_LENGTH);
        TopicMetadata topic = store.createTopic(uniqueName("configs"),
                Map.of("retention.ms", "1000", "segment.bytes", "1048576", "strata.test.long.value", longValue),
                partitions(1));
        assertThat(store.topic(topic.id()).orElseThrow().configs())
                .containsEntry("strata.test.long.value", longValue).hasSize(3);

        TopicMetadata replaced = store.replaceTopicConfigs(topic.id(),
                Map.of("retention.ms", "2000", "cleanup.policy", "compact"));

        Map<String, String> expected = Map.of("retention.ms", "2000", "cleanup.policy", "compact");
        assertThat(replaced.configs()).isEqualTo(expected);
        assertThat(store.topic(topic.id()).orElseThrow().configs()).isEqualTo(expected);
        assertThat(replaced.partitions()).isEqualTo(topic.partitions());

        store.replaceTopicConfigs(topic.id(), Map.of());
        assertThat(store.topic(topic.id()).orElseThrow().configs()).isEmpty();
    }

    @Test
    void oversizedInputIsRejectedWithKafkaErrors() {
        assertThatThrownBy(() -> store.createTopic("t".repeat(250), Map.of(), partitions(1)))
                .isInstanceOf(InvalidTopicException.class);
        String name = uniqueName("big-config");
        assertThatThrownBy(() -> store.createTopic(name,
                Map.of("retention.ms", "1".repeat(MetadataLimits.MAX_CONFIG_VALUE_LENGTH + 1)), partitions(1)))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(store.topic(name)).isEmpty();
    }

    @Test
    void addPartitionsAppendsAfterTheExistingOnes() {
        TopicMetadata topic = store.createTopic(uniqueName("grow"), Map.of("retention.ms", "5"), partitions(2));

        TopicMetadata grown = store.addPartitions(topic.id(), List.of(
                new PartitionMetadata(3, 0, 0, List.of(0), List.of(0), 0),
                new PartitionMetadata(2, 1, 0, List.of(1, 0), List.of(1, 0), 0)));

        assertThat(grown.partitions()).extracting(PartitionMetadata::partition).containsExactly(0, 1, 2, 3);
        assertThat(grown.partitions().get(2).replicas()).containsExactly(1, 0);
        assertThat(grown.configs()).isEqualTo(topic.configs());
        assertThat(store.topic(topic.id())).contains(grown);
    }

    @Test
    void addPartitionsRejectsGapsAndUnknownTopics() {
        TopicMetadata topic = store.createTopic(uniqueName("gap"), Map.of(), partitions(2));

        assertThatThrownBy(() -> store.addPartitions(topic.id(),
                List.of(new PartitionMetadata(3, 0, 0, List.of(0), List.of(0), 0))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.topic(topic.id()).orElseThrow().partitions()).hasSize(2);
        assertThatThrownBy(() -> store.addPartitions(Uuid.randomUuid(), partitions(1)))
                .isInstanceOf(UnknownTopicIdException.class);
    }

    @Test
    void brokerRegistrationIsAnUpsert() {
        int first = 1000 + NAMES.incrementAndGet() * 2;
        store.registerBroker(new BrokerRegistration(first + 1, "b.example", 9093, null));
        store.registerBroker(new BrokerRegistration(first, "a.example", 9092, null));
        Instant registeredAt = brokerTimestamp(first, "registered_at");

        store.registerBroker(new BrokerRegistration(first, "a2.example", 19092, "rack-1"));

        List<BrokerRegistration> mine = store.brokers().stream()
                .filter(b -> b.brokerId() == first || b.brokerId() == first + 1)
                .map(b -> new BrokerRegistration(b.brokerId(), b.host(), b.port(), b.rack())).toList();
        assertThat(mine).containsExactly(
                new BrokerRegistration(first, "a2.example", 19092, "rack-1"),
                new BrokerRegistration(first + 1, "b.example", 9093, null));
        assertThat(store.brokers()).extracting(BrokerRegistration::brokerId).isSorted();
        assertThat(brokerTimestamp(first, "registered_at")).as("kept from the first registration")
                .isEqualTo(registeredAt);
        assertThat(brokerTimestamp(first, "last_heartbeat")).isAfterOrEqualTo(registeredAt);
    }

    private Instant brokerTimestamp(int brokerId, String column) {
        return new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
                "SELECT " + column + " FROM brokers WHERE broker_id = ?", OffsetDateTime.class, brokerId).toInstant();
    }

    @Test
    void featuresAreBootstrappedOnlyOnceAndEachUpdateIsAVersionedChange() {
        String feature = "test.feature." + NAMES.incrementAndGet();
        FinalizedFeatures before = store.finalizedFeatures();
        FinalizedFeatures bootstrapped = store.bootstrapFeatures(Map.of(feature, (short) 3));
        if (before.epoch() < 0) {
            assertThat(bootstrapped.levels()).containsEntry(feature, (short) 3);
        } else {
            assertThat(bootstrapped).as("another test finalized features first").isEqualTo(before);
        }
        assertThat(store.bootstrapFeatures(Map.of(feature, (short) 7))).as("only the first bootstrap writes")
                .isEqualTo(store.finalizedFeatures());

        long version = store.metadataVersion();
        FinalizedFeatures updated = store.updateFeatures(Map.of(feature, (short) 2));
        assertThat(updated.levels()).containsEntry(feature, (short) 2);
        assertThat(updated.epoch()).isEqualTo(store.metadataVersion()).isGreaterThan(version);
        assertThat(store.changesSince(version).features()).hasValue(updated);
        assertThat(store.changesSince(updated.epoch()).features()).isEmpty();

        FinalizedFeatures removed = store.updateFeatures(Map.of(feature, (short) 0));
        assertThat(removed.levels()).doesNotContainKey(feature);
        assertThat(removed.epoch()).isGreaterThan(updated.epoch());
        assertThat(store.changesSince(updated.epoch()).features()).hasValue(removed);
        assertThat(store.changesSince(0).features()).hasValue(store.finalizedFeatures());
    }

    @Test
    void everyChangeBumpsTheMetadataVersionAndReadsDoNot() {
        long v0 = store.metadataVersion();
        TopicMetadata topic = store.createTopic(uniqueName("versioned"), Map.of(), partitions(1));
        long v1 = store.metadataVersion();
        store.topics();
        store.topic(topic.id());
        store.brokers();
        assertThat(store.metadataVersion()).isEqualTo(v1);
        store.replaceTopicConfigs(topic.id(), Map.of("retention.ms", "1"));
        long v2 = store.metadataVersion();
        store.addPartitions(topic.id(), List.of(new PartitionMetadata(1, 0, 0, List.of(0), List.of(0), 0)));
        long v3 = store.metadataVersion();
        store.registerBroker(new BrokerRegistration(5000 + NAMES.incrementAndGet(), "h", 1, null));
        long v4 = store.metadataVersion();
        store.deleteTopic(topic.id());
        long v5 = store.metadataVersion();

        assertThat(List.of(v0, v1, v2, v3, v4, v5)).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void producerIdBlocksNeverOverlap() {
        long first = store.allocateProducerIds(10);
        long second = store.allocateProducerIds(1);
        long third = store.allocateProducerIds(1000);

        assertThat(second).isGreaterThanOrEqualTo(first + 10);
        assertThat(third).isGreaterThanOrEqualTo(second + 1);
        assertThatThrownBy(() -> store.allocateProducerIds(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentProducerIdBlocksFromTwoStoresNeverOverlap() throws Exception {
        // A second context on the same database stands in for a second broker.
        try (ConfigurableApplicationContext other = MetadataStoreTestApplication.start(datasourceProperties())) {
            JdbcMetadataStore otherStore = other.getBean(JdbcMetadataStore.class);
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<List<long[]>>> workers = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                JdbcMetadataStore target = w % 2 == 0 ? store : otherStore;
                int size = 1 + w * 7;
                workers.add(() -> {
                    start.await();
                    List<long[]> blocks = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        long firstId = target.allocateProducerIds(size);
                        blocks.add(new long[]{firstId, firstId + size});
                    }
                    return blocks;
                });
            }
            List<long[]> blocks = new ArrayList<>();
            runConcurrently(workers, start).forEach(blocks::addAll);

            blocks.sort(Comparator.comparingLong(b -> b[0]));
            for (int i = 1; i < blocks.size(); i++) {
                assertThat(blocks.get(i)[0]).as("block %d starts after block %d ends", i, i - 1)
                        .isGreaterThanOrEqualTo(blocks.get(i - 1)[1]);
            }
            assertThat(blocks).hasSize(120);
        }
    }

    @Test
    void everyRegistrationGetsAHigherEpochAndAHeartbeatWithAStaleEpochIsRefused() {
        int id = 8000 + NAMES.incrementAndGet();
        BrokerRegistration first = store.registerBroker(new BrokerRegistration(id, "h", 1, null));
        BrokerRegistration other = store.registerBroker(new BrokerRegistration(id + 1000, "h", 1, null));
        BrokerRegistration again = store.registerBroker(new BrokerRegistration(id, "h", 2, null));

        assertThat(first.epoch()).isPositive();
        assertThat(other.epoch()).isGreaterThan(first.epoch());
        assertThat(again.epoch()).isGreaterThan(other.epoch());
        assertThat(store.brokers()).filteredOn(b -> b.brokerId() == id).extracting(BrokerRegistration::epoch)
                .containsExactly(again.epoch());
        long version = store.metadataVersion();
        store.heartbeat(id, again.epoch());
        assertThat(store.metadataVersion()).as("heartbeats are not metadata changes").isEqualTo(version);
        assertThatThrownBy(() -> store.heartbeat(id, first.epoch()))
                .isInstanceOf(org.apache.kafka.common.errors.StaleBrokerEpochException.class);
        assertThatThrownBy(() -> store.heartbeat(id + 2000, 1))
                .isInstanceOf(org.apache.kafka.common.errors.StaleBrokerEpochException.class);
    }

    @Test
    void aControlledShutdownMarksTheCurrentRegistrationUnderANewVersionUntilTheBrokerRegistersAgain() {
        int id = 8200 + NAMES.incrementAndGet();
        long epoch = store.registerBroker(new BrokerRegistration(id, "h", 1, null)).epoch();
        long version = store.metadataVersion();

        store.requestControlledShutdown(id, epoch);
        long marked = store.metadataVersion();
        store.requestControlledShutdown(id, epoch);

        assertThat(marked).isEqualTo(version + 1);
        assertThat(store.metadataVersion()).as("a repeated request is no change").isEqualTo(marked);
        assertThat(store.changesSince(version).brokers()).singleElement().satisfies(b -> {
            assertThat(b.brokerId()).isEqualTo(id);
            assertThat(b.epoch()).as("the epoch stays the registration's").isEqualTo(epoch);
            assertThat(b.shuttingDown()).isTrue();
            assertThat(b.live()).isTrue();
        });
        assertThat(store.brokers()).filteredOn(b -> b.brokerId() == id).extracting(BrokerRegistration::shuttingDown)
                .containsExactly(true);

        long next = store.registerBroker(new BrokerRegistration(id, "h", 1, null)).epoch();
        assertThat(store.changesSince(marked).brokers()).singleElement()
                .extracting(BrokerRegistration::shuttingDown).isEqualTo(false);
        long afterRegistration = store.metadataVersion();
        assertThatThrownBy(() -> store.requestControlledShutdown(id, epoch))
                .isInstanceOf(org.apache.kafka.common.errors.StaleBrokerEpochException.class);
        assertThatThrownBy(() -> store.requestControlledShutdown(id + 1000, next))
                .isInstanceOf(org.apache.kafka.common.errors.StaleBrokerEpochException.class);
        assertThat(store.metadataVersion()).as("refused requests write nothing").isEqualTo(afterRegistration);
    }

    @Test
    void aBrokerIsLiveByTheDatabaseClockWhileItHeartbeatsWithinTheSessionTimeout() throws Exception {
        int heartbeating = 8500 + NAMES.incrementAndGet();
        int silent = heartbeating + 1000;
        long epoch = store.registerBroker(new BrokerRegistration(heartbeating, "h", 1, null)).epoch();
        store.registerBroker(new BrokerRegistration(silent, "h", 1, null));
        assertThat(liveness(heartbeating, silent)).containsExactly(true, true);

        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS * 2);
        while (System.nanoTime() < until) {
            store.heartbeat(heartbeating, epoch);
            Thread.sleep(SESSION_TIMEOUT_MS / 5);
        }

        assertThat(liveness(heartbeating, silent)).containsExactly(true, false);
        assertThat(store.changesSince(store.metadataVersion()).liveBrokerIds()).contains(heartbeating)
                .doesNotContain(silent);
    }

    /**
     * The lease row is one for the whole database, so every lease case runs here, in order: acquire when
     * free, refuse while held, renew by the holder only, acquire after expiry with a higher epoch, fenced
     * writes with a stale epoch refused.
     */
    @Test
    void theControllerLeaseIsTakenByCompareAndSetRenewedByItsHolderAndFencesStaleEpochs() throws Exception {
        int a = 9000 + NAMES.incrementAndGet();
        int b = a + 1000;
        long epochA = store.registerBroker(new BrokerRegistration(a, "h", 1, null)).epoch();
        long epochB = store.registerBroker(new BrokerRegistration(b, "h", 1, null)).epoch();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS * 3);
        while (store.controller().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(100); // a lease left by another context on this database lapses
        }
        assertThat(store.controller()).isEmpty();

        assertThat(store.tryAcquireController(a, epochA + 1_000_000)).as("not a's current registration").isEmpty();
        ControllerLease first = store.tryAcquireController(a, epochA).orElseThrow();
        assertThat(first.brokerId()).isEqualTo(a);
        assertThat(first.durationMs()).isEqualTo(SESSION_TIMEOUT_MS);
        assertThat(store.controller()).contains(first);
        assertThat(store.changesSince(store.metadataVersion()).controllerId()).isEqualTo(a);
        assertThat(store.tryAcquireController(b, epochB)).as("held and unexpired").isEmpty();

        assertThat(store.renewController(b, first.controllerEpoch())).as("not the holder").isEmpty();
        assertThat(store.renewController(a, first.controllerEpoch() - 1)).as("not its epoch").isEmpty();
        assertThat(store.renewController(a, first.controllerEpoch())).contains(first);

        // a stops renewing; b keeps heartbeating until a's lease has expired by the database clock
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS + 500);
        while (System.nanoTime() < until) {
            store.heartbeat(b, epochB);
            Thread.sleep(SESSION_TIMEOUT_MS / 5);
        }
        store.heartbeat(b, epochB);
        assertThat(store.controller()).isEmpty();
        assertThat(store.tryAcquireController(a, epochA)).as("a is no longer live").isEmpty();
        ControllerLease second = store.tryAcquireController(b, epochB).orElseThrow();
        assertThat(second.brokerId()).isEqualTo(b);
        assertThat(second.controllerEpoch()).isGreaterThan(first.controllerEpoch());
        assertThat(store.renewController(a, first.controllerEpoch())).as("deposed").isEmpty();
        assertThat(store.controller()).contains(second);

        String stale = uniqueName("deposed-write");
        long version = store.metadataVersion();
        assertThatThrownBy(() -> store.asController(first.controllerEpoch(),
                () -> store.createTopic(stale, Map.of(), partitions(1))))
                .isInstanceOf(NotControllerException.class).hasMessageContaining("stale");
        assertThat(store.topic(stale)).isEmpty();
        assertThat(store.metadataVersion()).isEqualTo(version);

        String fenced = uniqueName("controller-write");
        TopicMetadata written = store.asController(second.controllerEpoch(),
                () -> store.createTopic(fenced, Map.of(), partitions(1)));
        assertThat(store.topic(fenced)).contains(written);

        // Graceful shutdown: only the holder with its epoch gives the lease back, and it is free at once.
        store.releaseController(b, first.controllerEpoch());
        store.releaseController(a, second.controllerEpoch());
        assertThat(store.controller()).as("released by neither stale epoch nor another broker").contains(second);
        store.releaseController(b, second.controllerEpoch());
        assertThat(store.controller()).isEmpty();
        ControllerLease third = store.tryAcquireController(b, epochB).orElseThrow();
        assertThat(third.controllerEpoch()).isGreaterThan(second.controllerEpoch());
        store.releaseController(b, third.controllerEpoch());
    }

    private List<Boolean> liveness(int... ids) {
        List<Boolean> result = new ArrayList<>();
        for (int id : ids) {
            result.add(store.brokers().stream().filter(b -> b.brokerId() == id).findFirst().orElseThrow().live());
        }
        return result;
    }

    @Test
    void changesSinceReturnsExactlyTheRowsChangedAfterTheVersionAndTombstonesOfDeletedTopics() {
        TopicMetadata untouched = store.createTopic(uniqueName("untouched"), Map.of(), partitions(1));
        TopicMetadata altered = store.createTopic(uniqueName("altered"), Map.of("retention.ms", "5"), partitions(1));
        TopicMetadata grown = store.createTopic(uniqueName("grown"), Map.of(), partitions(1));
        TopicMetadata doomed = store.createTopic(uniqueName("doomed"), Map.of(), partitions(2));
        long since = store.metadataVersion();

        TopicMetadata created = store.createTopic(uniqueName("created"), Map.of("cleanup.policy", "compact"),
                partitions(2));
        int brokerId = 9000 + NAMES.incrementAndGet();
        BrokerRegistration broker = store.registerBroker(new BrokerRegistration(brokerId, "h", 1, null));
        store.replaceTopicConfigs(altered.id(), Map.of()); // an override removed leaves no row behind
        store.addPartitions(grown.id(), List.of(new PartitionMetadata(1, 0, 0, List.of(0), List.of(0), 0)));
        store.deleteTopic(doomed.id());
        io.strata.engine.metadata.MetadataDelta delta = store.changesSince(since);

        assertThat(delta.version()).isEqualTo(since + 5).isEqualTo(store.metadataVersion());
        assertThat(delta.topics()).extracting(TopicMetadata::name)
                .containsExactlyInAnyOrder(created.name(), altered.name(), grown.name());
        assertThat(delta.topics()).contains(created, store.topic(altered.id()).orElseThrow(),
                store.topic(grown.id()).orElseThrow());
        assertThat(store.topic(altered.id()).orElseThrow().configs()).isEmpty();
        assertThat(store.topic(grown.id()).orElseThrow().partitions()).hasSize(2);
        assertThat(delta.brokers()).extracting(BrokerRegistration::brokerId, BrokerRegistration::epoch)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(brokerId, broker.epoch()));
        assertThat(delta.deletedTopicIds()).containsExactly(doomed.id());
        assertThat(delta.liveBrokerIds()).contains(brokerId);

        io.strata.engine.metadata.MetadataDelta nothing = store.changesSince(delta.version());
        assertThat(nothing.version()).isEqualTo(delta.version());
        assertThat(nothing.changesMetadata()).isFalse();
        io.strata.engine.metadata.MetadataDelta everything = store.changesSince(0);
        assertThat(everything.topics()).contains(untouched, created).doesNotContain(doomed);
    }

    @Test
    void brokerConfigsAreReplacedPerResourceAndChangesSinceReportsThemCompleteOnlyAfterAChange() {
        int brokerId = 6000 + NAMES.incrementAndGet();
        long since = store.metadataVersion();

        store.replaceBrokerConfigs(OptionalInt.empty(), Map.of("log.retention.ms", "1000", "log.roll.ms", "5"));
        io.strata.engine.metadata.BrokerConfigs stored = store.replaceBrokerConfigs(OptionalInt.of(brokerId),
                Map.of("log.segment.bytes", "4096"));

        assertThat(stored.clusterDefault()).containsExactlyInAnyOrderEntriesOf(
                Map.of("log.retention.ms", "1000", "log.roll.ms", "5"));
        assertThat(stored.broker(brokerId)).containsExactlyEntriesOf(Map.of("log.segment.bytes", "4096"));
        assertThat(store.brokerConfigs()).isEqualTo(stored);
        assertThat(store.metadataVersion()).as("each replacement takes a version").isEqualTo(since + 2);
        io.strata.engine.metadata.MetadataDelta delta = store.changesSince(since);
        assertThat(delta.brokerConfigs()).contains(stored);
        assertThat(store.changesSince(0).brokerConfigs()).contains(stored);
        store.createTopic(uniqueName("unrelated"), Map.of(), partitions(1));
        assertThat(store.changesSince(delta.version()).brokerConfigs()).as("only topics changed since").isEmpty();

        long beforeRemoval = store.metadataVersion();
        store.replaceBrokerConfigs(OptionalInt.of(brokerId), Map.of());
        store.replaceBrokerConfigs(OptionalInt.empty(), Map.of("log.retention.ms", "2000"));
        io.strata.engine.metadata.MetadataDelta removed = store.changesSince(beforeRemoval);
        assertThat(removed.brokerConfigs()).as("removing every config of a resource is a change too")
                .hasValueSatisfying(c -> {
                    assertThat(c.broker(brokerId)).isEmpty();
                    assertThat(c.clusterDefault()).containsExactlyEntriesOf(Map.of("log.retention.ms", "2000"));
                });
        assertThat(store.brokerConfigs().broker(brokerId)).isEmpty();
        assertThatThrownBy(() -> store.replaceBrokerConfigs(OptionalInt.of(brokerId),
                Map.of("log.retention.ms", "x".repeat(MetadataLimits.MAX_CONFIG_VALUE_LENGTH + 1))))
                .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void aPartitionCompareAndSetBumpsThePartitionEpochAndIsSeenByChangesSince() {
        TopicMetadata topic = store.createTopic(uniqueName("cas"), Map.of(), List.of(
                new PartitionMetadata(0, 1, 4, List.of(1, 2), List.of(1, 2), 7),
                new PartitionMetadata(1, 2, 0, List.of(2, 1), List.of(2, 1), 0)));
        long since = store.metadataVersion();

        PartitionMetadata stored = store.compareAndSetPartition(topic.id(), 7,
                new PartitionMetadata(0, 2, 5, List.of(1, 2), List.of(2), 99)).orElseThrow();

        assertThat(stored).isEqualTo(new PartitionMetadata(0, 2, 5, List.of(1, 2), List.of(2), 8));
        io.strata.engine.metadata.MetadataDelta delta = store.changesSince(since);
        assertThat(delta.version()).isEqualTo(since + 1).isEqualTo(store.metadataVersion());
        assertThat(delta.topics()).singleElement().extracting(TopicMetadata::partitions)
                .isEqualTo(List.of(stored, topic.partitions().get(1)));
        assertThat(store.topic(topic.id()).orElseThrow().partitions().get(0)).isEqualTo(stored);
    }

    @Test
    void aStaleWriterLosesTheCompareAndSetAndWritesNothing() {
        TopicMetadata topic = store.createTopic(uniqueName("stale-cas"), Map.of(), List.of(
                new PartitionMetadata(0, 1, 0, List.of(1, 2), List.of(1, 2), 3)));
        long version = store.metadataVersion();
        PartitionMetadata next = new PartitionMetadata(0, 2, 1, List.of(1, 2), List.of(2), 0);

        assertThat(store.compareAndSetPartition(topic.id(), 2, next)).isEmpty();
        assertThat(store.compareAndSetPartition(topic.id(), 3,
                new PartitionMetadata(5, 2, 1, List.of(2), List.of(2), 0))).as("no such partition").isEmpty();
        assertThat(store.compareAndSetPartition(Uuid.randomUuid(), 3, next)).as("no such topic").isEmpty();

        assertThat(store.metadataVersion()).isEqualTo(version);
        assertThat(store.topic(topic.id())).contains(topic);
    }

    @Test
    void concurrentCompareAndSetsOfOnePartitionLetExactlyOneWin() throws Exception {
        TopicMetadata topic = store.createTopic(uniqueName("cas-race"), Map.of(), List.of(
                new PartitionMetadata(0, 0, 0, List.of(0, 1, 2, 3, 4, 5), List.of(0, 1, 2, 3, 4, 5), 0)));
        int threads = 6;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int leader = i;
            attempts.add(() -> {
                start.await();
                return store.compareAndSetPartition(topic.id(), 0, new PartitionMetadata(0, leader, 1,
                        List.of(0, 1, 2, 3, 4, 5), List.of(leader), 0)).isPresent();
            });
        }
        List<Boolean> outcomes = runConcurrently(attempts, start);

        assertThat(outcomes).containsOnlyOnce(true);
        PartitionMetadata stored = store.topic(topic.id()).orElseThrow().partitions().get(0);
        assertThat(stored.partitionEpoch()).isEqualTo(1);
        assertThat(stored.leader()).isEqualTo(outcomes.indexOf(true));
        assertThat(stored.isr()).containsExactly(stored.leader());
    }

    @Test
    void aPartitionCompareAndSetJoinsTheControllerTransactionAndAStaleControllerWritesNothing() throws Exception {
        int brokerId = 9000 + NAMES.incrementAndGet();
        long brokerEpoch = store.registerBroker(new BrokerRegistration(brokerId, "h", 1, null)).epoch();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS * 3);
        while (store.controller().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(100); // a lease left by another test lapses
        }
        ControllerLease lease = store.tryAcquireController(brokerId, brokerEpoch).orElseThrow();
        try {
            TopicMetadata topic = store.createTopic(uniqueName("controller-cas"), Map.of(), List.of(
                    new PartitionMetadata(0, 1, 0, List.of(1, 2), List.of(1, 2), 0),
                    new PartitionMetadata(1, 2, 0, List.of(2, 1), List.of(2, 1), 0)));
            long version = store.metadataVersion();

            assertThatThrownBy(() -> store.asController(lease.controllerEpoch() - 1, () ->
                    store.compareAndSetPartition(topic.id(), 0, new PartitionMetadata(0, 2, 1, List.of(1, 2),
                            List.of(2), 0))))
                    .isInstanceOf(NotControllerException.class);
            assertThat(store.metadataVersion()).isEqualTo(version);
            assertThat(store.topic(topic.id())).contains(topic);

            // Both partitions in one controller transaction, after a read that loads them into its context.
            List<PartitionMetadata> written = store.asController(lease.controllerEpoch(), () -> {
                List<PartitionMetadata> read = store.topic(topic.id()).orElseThrow().partitions();
                return read.stream().map(p -> store.compareAndSetPartition(topic.id(), p.partitionEpoch(),
                        new PartitionMetadata(p.partition(), -1, 1, p.replicas(), p.isr(), 0)).orElseThrow()).toList();
            });
            assertThat(store.topic(topic.id()).orElseThrow().partitions()).isEqualTo(written)
                    .extracting(PartitionMetadata::leader, PartitionMetadata::partitionEpoch)
                    .containsOnly(org.assertj.core.groups.Tuple.tuple(-1, 1));
            assertThat(store.changesSince(version).topics()).extracting(TopicMetadata::id).containsExactly(topic.id());
            assertThat(store.metadataVersion()).isEqualTo(version + 2);
        } finally {
            store.releaseController(brokerId, lease.controllerEpoch());
        }
    }

    @Test
    void aNewContextOnTheSameDatabaseSeesEverything() throws Exception {
        String clusterId = store.clusterId();
        String name = uniqueName("durable");
        TopicMetadata topic = store.createTopic(name, Map.of("retention.ms", "42"), partitions(3));
        int brokerId = 7000 + NAMES.incrementAndGet();
        BrokerRegistration broker = store.registerBroker(new BrokerRegistration(brokerId, "durable.example", 9092, "r1"));
        long producerId = store.allocateProducerIds(100);
        store.replaceBrokerConfigs(OptionalInt.of(brokerId), Map.of("log.retention.bytes", "77"));
        long version = store.metadataVersion();

        context.close();
        context = startContext();
        store = context.getBean(JdbcMetadataStore.class);

        assertThat(store.clusterId()).isEqualTo(clusterId);
        assertThat(store.topic(name)).contains(topic);
        assertThat(store.brokers()).filteredOn(b -> b.brokerId() == brokerId)
                .extracting(BrokerRegistration::host, BrokerRegistration::epoch)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("durable.example", broker.epoch()));
        assertThat(store.allocateProducerIds(1)).isGreaterThanOrEqualTo(producerId + 100);
        assertThat(store.brokerConfigs().broker(brokerId)).containsExactlyEntriesOf(Map.of("log.retention.bytes", "77"));
        assertThat(store.metadataVersion()).isEqualTo(version);
    }

    @Test
    void commitsAreForcedToDiskOnlyWhereTheDatabaseDoesNotDoIt() {
        assertThat(context.getBean(EmbeddedDatabaseSync.class).isEnabled()).isEqualTo(forcesCommitsToDisk());
    }

    private static String uniqueName(String base) {
        return base + "-" + NAMES.incrementAndGet();
    }

    private static List<PartitionMetadata> partitions(int count) {
        List<PartitionMetadata> partitions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            partitions.add(new PartitionMetadata(i, 0, 0, List.of(0), List.of(0), 0));
        }
        return partitions;
    }

    /** Runs the tasks on their own threads, releases {@code start}, and returns their results in order. */
    private static <T> List<T> runConcurrently(List<Callable<T>> tasks, CountDownLatch start) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return Collections.unmodifiableList(results);
        } finally {
            pool.shutdownNow();
        }
    }
}
