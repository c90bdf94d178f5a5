package io.strata.admin.service.consumer.directory;

import io.strata.admin.service.consumer.ConsumerInstanceDefinition;
import io.strata.admin.service.consumer.RecordFormat;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoryEntryTest {
    static final ConsumerInstanceDefinition DEFINITION = new ConsumerInstanceDefinition("g", "i", RecordFormat.TEXT,
            "earliest", false, 10, Duration.ofMillis(1500), "read_committed",
            ConsumerInstanceDefinition.Subscription.toTopics(List.of("a", "b")), null);

    static DirectoryEntry entry(String owner, long epoch, long expiry) {
        return new DirectoryEntry(DEFINITION, owner, "http://" + owner, expiry, epoch);
    }

    @Test
    void ofTwoClaimsWithOneEpochTheFirstInLogOrderWins() {
        DirectoryEntry lapsed = entry("a", 1, 0);
        DirectoryEntry firstClaim = entry("b", 2, 100);
        DirectoryEntry secondClaim = entry("c", 2, 100);
        assertThat(firstClaim.supersedes(lapsed)).isTrue();
        assertThat(secondClaim.supersedes(firstClaim)).isFalse();
    }

    @Test
    void theOwnerRenewsReleasesAndChangesItsEntryWithinItsEpoch() {
        DirectoryEntry held = entry("b", 2, 100);
        assertThat(entry("b", 2, 200).supersedes(held)).isTrue();
        assertThat(entry("b", 2, 0).supersedes(held)).isTrue();
    }

    @Test
    void aDeposedOwnersLateRenewalChangesNothing() {
        assertThat(entry("a", 1, 500).supersedes(entry("b", 2, 100))).isFalse();
    }

    @Test
    void aHigherEpochOrAFirstEntryAlwaysApplies() {
        assertThat(entry("c", 3, 100).supersedes(entry("b", 2, 100))).isTrue();
        assertThat(entry("c", 1, 100).supersedes(null)).isTrue();
    }

    @Test
    void aLeaseIsValidUntilItsExpiry() {
        assertThat(entry("a", 1, 100).leaseValidAt(99)).isTrue();
        assertThat(entry("a", 1, 100).leaseValidAt(100)).isFalse();
        assertThat(entry("a", 1, 0).leaseValidAt(0)).as("released").isFalse();
    }

    @Test
    void entriesAndKeysRoundTripThroughTheTopicsFormat() {
        DirectoryEntry subscribed = entry("node-1", 7, 123_456);
        assertThat(DirectoryCodec.value(DirectoryCodec.value(subscribed))).isEqualTo(subscribed);
        DirectoryEntry assigned = subscribed.withDefinition(DEFINITION.withAssignment(List.of(new TopicPartition("t", 3))));
        assertThat(DirectoryCodec.value(DirectoryCodec.value(assigned))).isEqualTo(assigned);
        DirectoryEntry pattern = subscribed.withDefinition(DEFINITION.withSubscription(
                ConsumerInstanceDefinition.Subscription.toPattern("t-.*")));
        assertThat(DirectoryCodec.value(DirectoryCodec.value(pattern))).isEqualTo(pattern);

        InstanceKey key = new InstanceKey("group/with\"odd", "name,1");
        assertThat(DirectoryCodec.key(DirectoryCodec.key(key))).isEqualTo(key);
        assertThat(new String(DirectoryCodec.value(subscribed), StandardCharsets.UTF_8))
                .contains("\"owner_node_id\":\"node-1\"", "\"owner_epoch\":7", "\"lease_expires_at_ms\":123456",
                        "\"subscription_topics\":[\"a\",\"b\"]");
    }

    @Test
    void unreadableRecordsAreRefused() {
        assertThatThrownBy(() -> DirectoryCodec.value("{\"group\":\"g\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DirectoryCodec.key("[\"only-one\"]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DirectoryCodec.key("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
