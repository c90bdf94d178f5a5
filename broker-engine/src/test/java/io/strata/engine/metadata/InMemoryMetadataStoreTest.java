package io.strata.engine.metadata;

import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
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
}
