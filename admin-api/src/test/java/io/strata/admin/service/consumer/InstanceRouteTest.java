package io.strata.admin.service.consumer;

import io.strata.admin.service.consumer.directory.DirectoryEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.strata.admin.service.consumer.InstanceRoute.CLAIM;
import static io.strata.admin.service.consumer.InstanceRoute.FORWARD;
import static io.strata.admin.service.consumer.InstanceRoute.NOT_FOUND;
import static io.strata.admin.service.consumer.InstanceRoute.SERVE;
import static io.strata.admin.service.consumer.InstanceRoute.decide;
import static org.assertj.core.api.Assertions.assertThat;

class InstanceRouteTest {
    private static final ConsumerInstanceDefinition DEFINITION = new ConsumerInstanceDefinition("g", "i",
            RecordFormat.BINARY, "latest", false, null, Duration.ofSeconds(1), "read_uncommitted", null, null);
    private static final long NOW = 1_000;

    private static DirectoryEntry ownedBy(String node, long expiry) {
        return new DirectoryEntry(DEFINITION, node, "http://" + node, expiry, 1);
    }

    @Test
    void anInstanceOwnedHereUnderAValidLeaseIsServedHere() {
        assertThat(decide(ownedBy("me", NOW + 1), "me", NOW, true, false)).isEqualTo(SERVE);
        assertThat(decide(ownedBy("me", NOW + 1), "me", NOW, true, true)).isEqualTo(SERVE);
    }

    @Test
    void anInstanceAnotherNodeHoldsIsForwardedButNeverForwardedTwice() {
        assertThat(decide(ownedBy("other", NOW + 1), "me", NOW, false, false)).isEqualTo(FORWARD);
        assertThat(decide(ownedBy("other", NOW + 1), "me", NOW, false, true)).isEqualTo(NOT_FOUND);
        assertThat(decide(ownedBy("other", NOW + 1), "me", NOW, true, false)).as("a stale consumer here")
                .isEqualTo(FORWARD);
    }

    @Test
    void onlyALapsedOrReleasedLeaseIsTakenOver() {
        assertThat(decide(ownedBy("other", NOW), "me", NOW, false, false)).isEqualTo(CLAIM);
        assertThat(decide(ownedBy("other", 0), "me", NOW, false, true)).as("released").isEqualTo(CLAIM);
    }

    @Test
    void anInstanceThisNodeOwnsButHoldsNoMoreIsClaimedAgain() {
        assertThat(decide(ownedBy("me", NOW + 1), "me", NOW, false, false)).isEqualTo(CLAIM);
        assertThat(decide(ownedBy("me", NOW), "me", NOW, true, false)).as("its own lease lapsed").isEqualTo(CLAIM);
    }

    @Test
    void anInstanceTheDirectoryDoesNotKnowIsNotFound() {
        assertThat(decide(null, "me", NOW, true, false)).isEqualTo(NOT_FOUND);
    }
}
