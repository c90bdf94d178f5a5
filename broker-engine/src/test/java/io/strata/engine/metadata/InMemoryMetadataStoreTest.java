package io.strata.engine.metadata;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryMetadataStoreTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final InMemoryMetadataStore store = new InMemoryMetadataStore(clock::get, 3_000);

    @Test
    void everyRegistrationGetsAHigherEpochAndAStaleEpochCannotHeartbeat() {
        long first = store.registerBroker(new BrokerRegistration(1, "a", 9092, null)).epoch();
        long other = store.registerBroker(new BrokerRegistration(2, "b", 9092, null)).epoch();
        long again = store.registerBroker(new BrokerRegistration(1, "a", 9093, null)).epoch();

        assertThat(other).isGreaterThan(first);
        assertThat(again).isGreaterThan(other);
        store.heartbeat(1, again);
        assertThatThrownBy(() -> store.heartbeat(1, first)).isInstanceOf(StaleBrokerEpochException.class);
        assertThatThrownBy(() -> store.heartbeat(7, 1)).isInstanceOf(StaleBrokerEpochException.class);
    }

    @Test
    void aBrokerIsLiveUntilTheSessionTimeoutPassesWithoutAHeartbeat() {
        long epoch1 = store.registerBroker(new BrokerRegistration(1, "a", 9092, null)).epoch();
        store.registerBroker(new BrokerRegistration(2, "b", 9092, null));

        clock.addAndGet(2_000);
        store.heartbeat(1, epoch1);
        clock.addAndGet(2_000);

        assertThat(store.brokers()).extracting(BrokerRegistration::live).containsExactly(true, false);
        assertThat(store.changesSince(store.changesSince(0).version()).liveBrokerIds()).containsExactly(1);
    }

    @Test
    void aControlledShutdownMarksTheCurrentRegistrationUnderANewVersionUntilTheBrokerRegistersAgain() {
        long epoch = store.registerBroker(new BrokerRegistration(1, "a", 9092, null)).epoch();
        store.registerBroker(new BrokerRegistration(2, "b", 9092, null));
        long version = store.changesSince(0).version();

        store.requestControlledShutdown(1, epoch);
        MetadataDelta delta = store.changesSince(version);
        store.requestControlledShutdown(1, epoch);

        assertThat(delta.version()).isEqualTo(version + 1);
        assertThat(delta.brokers()).singleElement().satisfies(b -> {
            assertThat(b.brokerId()).isEqualTo(1);
            assertThat(b.epoch()).as("the epoch stays the registration's").isEqualTo(epoch);
            assertThat(b.shuttingDown()).isTrue();
            assertThat(b.live()).isTrue();
        });
        assertThat(store.changesSince(delta.version()).changesMetadata()).as("a repeated request is no change").isFalse();
        assertThat(store.brokers()).extracting(BrokerRegistration::shuttingDown).containsExactly(true, false);

        long next = store.registerBroker(new BrokerRegistration(1, "a", 9092, null)).epoch();
        assertThat(store.brokers()).extracting(BrokerRegistration::shuttingDown).containsExactly(false, false);
        assertThatThrownBy(() -> store.requestControlledShutdown(1, epoch)).isInstanceOf(StaleBrokerEpochException.class);
        assertThatThrownBy(() -> store.requestControlledShutdown(7, next)).isInstanceOf(StaleBrokerEpochException.class);
    }

    @Test
    void changesSinceReturnsOnlyWhatChangedAfterTheVersionWithDeletionsAsTombstones() {
        store.registerBroker(new BrokerRegistration(1, "a", 9092, null));
        PartitionMetadata p0 = new PartitionMetadata(0, 1, 0, List.of(1), List.of(1), 0);
        TopicMetadata kept = store.createTopic("kept", Map.of(), List.of(p0));
        TopicMetadata doomed = store.createTopic("doomed", Map.of(), List.of(p0));
        long version = store.changesSince(0).version();

        store.replaceTopicConfigs(kept.id(), Map.of("retention.ms", "1"));
        store.deleteTopic(doomed.id());
        MetadataDelta delta = store.changesSince(version);

        assertThat(delta.version()).isEqualTo(version + 2);
        assertThat(delta.brokers()).isEmpty();
        assertThat(delta.topics()).extracting(TopicMetadata::name).containsExactly("kept");
        assertThat(delta.topics().get(0).configs()).containsEntry("retention.ms", "1");
        assertThat(delta.deletedTopicIds()).containsExactly(doomed.id());
        assertThat(store.changesSince(delta.version()).changesMetadata()).isFalse();
    }

    @Test
    void aPartitionCompareAndSetBumpsThePartitionEpochAndIsSeenByChangesSince() {
        TopicMetadata topic = store.createTopic("cas", Map.of(), List.of(
                new PartitionMetadata(0, 1, 4, List.of(1, 2), List.of(1, 2), 7),
                new PartitionMetadata(1, 2, 0, List.of(2, 1), List.of(2, 1), 0)));
        long version = store.changesSince(0).version();

        PartitionMetadata stored = store.compareAndSetPartition(topic.id(), 7,
                new PartitionMetadata(0, 2, 5, List.of(1, 2), List.of(2), 99)).orElseThrow();

        assertThat(stored).isEqualTo(new PartitionMetadata(0, 2, 5, List.of(1, 2), List.of(2), 8));
        MetadataDelta delta = store.changesSince(version);
        assertThat(delta.version()).isEqualTo(version + 1);
        assertThat(delta.topics()).singleElement().extracting(TopicMetadata::partitions)
                .isEqualTo(List.of(stored, topic.partitions().get(1)));
    }

    @Test
    void aStaleWriterLosesTheCompareAndSetAndWritesNothing() {
        TopicMetadata topic = store.createTopic("stale", Map.of(), List.of(
                new PartitionMetadata(0, 1, 0, List.of(1, 2), List.of(1, 2), 3)));
        long version = store.changesSince(0).version();
        PartitionMetadata next = new PartitionMetadata(0, 2, 1, List.of(1, 2), List.of(2), 0);

        assertThat(store.compareAndSetPartition(topic.id(), 2, next)).isEmpty();
        assertThat(store.compareAndSetPartition(topic.id(), 3,
                new PartitionMetadata(5, 2, 1, List.of(2), List.of(2), 0))).as("no such partition").isEmpty();
        assertThat(store.compareAndSetPartition(Uuid.randomUuid(), 3, next))
                .as("no such topic").isEmpty();

        assertThat(store.changesSince(version).changesMetadata()).isFalse();
        assertThat(store.topic(topic.id())).contains(topic);
    }

    @Test
    void aDeposedControllerCannotCompareAndSetAPartition() {
        long brokerEpoch = store.registerBroker(new BrokerRegistration(1, "a", 9092, null)).epoch();
        long controllerEpoch = store.tryAcquireController(1, brokerEpoch).orElseThrow().controllerEpoch();
        TopicMetadata topic = store.createTopic("deposed", Map.of(), List.of(
                new PartitionMetadata(0, 1, 0, List.of(1), List.of(1), 0)));
        PartitionMetadata next = new PartitionMetadata(0, -1, 1, List.of(1), List.of(1), 0);
        long version = store.changesSince(0).version();

        assertThatThrownBy(() -> store.asController(controllerEpoch - 1,
                () -> store.compareAndSetPartition(topic.id(), 0, next)))
                .isInstanceOf(NotControllerException.class);
        assertThat(store.changesSince(version).changesMetadata()).isFalse();

        assertThat(store.asController(controllerEpoch, () -> store.compareAndSetPartition(topic.id(), 0, next)))
                .map(PartitionMetadata::partitionEpoch).contains(1);
    }

    @Test
    void brokerConfigsAreReplacedPerResourceAndChangesSinceReportsThemCompleteOnlyWhenTheyChanged() {
        assertThat(store.changesSince(0).brokerConfigs()).as("from version 0: always, even when empty")
                .contains(BrokerConfigs.EMPTY);
        long before = store.changesSince(0).version();

        store.replaceBrokerConfigs(OptionalInt.empty(), Map.of("log.retention.ms", "1000"));
        BrokerConfigs both = store.replaceBrokerConfigs(OptionalInt.of(2), Map.of("log.segment.bytes", "4096"));

        assertThat(both.clusterDefault()).containsExactlyEntriesOf(Map.of("log.retention.ms", "1000"));
        assertThat(both.broker(2)).containsExactlyEntriesOf(Map.of("log.segment.bytes", "4096"));
        assertThat(both.broker(1)).isEmpty();
        MetadataDelta delta = store.changesSince(before);
        assertThat(delta.brokerConfigs()).contains(both);
        assertThat(delta.changesMetadata()).isTrue();
        assertThat(store.changesSince(delta.version()).brokerConfigs()).as("nothing changed since").isEmpty();

        store.replaceBrokerConfigs(OptionalInt.of(2), Map.of());
        MetadataDelta removed = store.changesSince(delta.version());
        assertThat(removed.brokerConfigs()).as("removing the last config is a change too")
                .hasValueSatisfying(c -> assertThat(c.perBroker()).isEmpty());
        assertThat(store.brokerConfigs().clusterDefault()).containsKey("log.retention.ms");
    }
}
