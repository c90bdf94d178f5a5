package io.strata.engine.replication;

import io.strata.engine.metadata.PartitionMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The controller's per-partition choice, without brokers or a store. */
class LeaderElectionTest {

    private static PartitionMetadata partition(int leader, List<Integer> replicas, List<Integer> isr) {
        return new PartitionMetadata(3, leader, 10, replicas, isr, 20);
    }

    @Test
    void aFencedLeaderHandsLeadershipToTheFirstEligibleIsrMemberInReplicaOrder() {
        PartitionMetadata current = partition(1, List.of(1, 3, 2), List.of(2, 1, 3));

        assertThat(LeaderElection.next(current, Set.of(1), Set.of(2, 3), false))
                .contains(new PartitionMetadata(3, 3, 11, List.of(1, 3, 2), List.of(2, 3), 20));
    }

    @Test
    void aLiveButIneligibleIsrMemberIsPassedOver() {
        PartitionMetadata current = partition(1, List.of(1, 2, 3), List.of(1, 2, 3));

        assertThat(LeaderElection.next(current, Set.of(1), Set.of(3), false))
                .map(PartitionMetadata::leader).contains(3);
    }

    @Test
    void aFencedFollowerLeavesTheIsrAndTheLeaderEpochStays() {
        PartitionMetadata current = partition(1, List.of(1, 2, 3), List.of(1, 2, 3));

        assertThat(LeaderElection.next(current, Set.of(2), Set.of(1, 3), false))
                .contains(new PartitionMetadata(3, 1, 10, List.of(1, 2, 3), List.of(1, 3), 20));
    }

    @Test
    void theLastIsrMemberStaysInTheIsrAndItsPartitionGoesOffline() {
        PartitionMetadata current = partition(1, List.of(1, 2), List.of(1));

        assertThat(LeaderElection.next(current, Set.of(1), Set.of(2), false))
                .contains(new PartitionMetadata(3, -1, 11, List.of(1, 2), List.of(1), 20));
    }

    @Test
    void whenTheWholeIsrIsFencedTheLeaderIsTheMemberThatStays() {
        PartitionMetadata current = partition(2, List.of(1, 2, 3), List.of(1, 2));

        assertThat(LeaderElection.next(current, Set.of(1, 2), Set.of(3), false))
                .contains(new PartitionMetadata(3, -1, 11, List.of(1, 2, 3), List.of(2), 20));
    }

    @Test
    void anOfflinePartitionElectsAnIsrMemberThatIsBack() {
        PartitionMetadata current = partition(-1, List.of(1, 2), List.of(1));

        assertThat(LeaderElection.next(current, Set.of(), Set.of(1, 2), false))
                .contains(new PartitionMetadata(3, 1, 11, List.of(1, 2), List.of(1), 20));
    }

    @Test
    void anOfflinePartitionStaysOfflineWithoutAnEligibleIsrMemberWhenUncleanElectionIsOff() {
        PartitionMetadata current = partition(-1, List.of(1, 2), List.of(1));

        assertThat(LeaderElection.next(current, Set.of(1), Set.of(2), false)).isEmpty();
    }

    @Test
    void uncleanElectionPicksAnEligibleReplicaOutsideTheIsrAndMakesItTheWholeIsr() {
        PartitionMetadata current = partition(-1, List.of(1, 4, 2, 3), List.of(1));

        assertThat(LeaderElection.next(current, Set.of(1), Set.of(2, 3), true))
                .contains(new PartitionMetadata(3, 2, 11, List.of(1, 4, 2, 3), List.of(2), 20));
    }

    @Test
    void uncleanElectionAlsoReplacesAFencedLastLeaderInTheSameStep() {
        PartitionMetadata current = partition(1, List.of(1, 2), List.of(1));

        assertThat(LeaderElection.next(current, Set.of(1), Set.of(2), true))
                .contains(new PartitionMetadata(3, 2, 11, List.of(1, 2), List.of(2), 20));
    }

    @Test
    void uncleanElectionStillPrefersAnEligibleIsrMember() {
        PartitionMetadata current = partition(-1, List.of(2, 1), List.of(1));

        assertThat(LeaderElection.next(current, Set.of(), Set.of(1, 2), true))
                .map(PartitionMetadata::leader).contains(1);
    }

    @Test
    void aHealthyPartitionIsLeftAlone() {
        PartitionMetadata current = partition(1, List.of(1, 2), List.of(1, 2));

        assertThat(LeaderElection.next(current, Set.of(), Set.of(1, 2), true)).isEmpty();
        assertThat(LeaderElection.next(current, Set.of(3), Set.of(1), true))
                .as("a fenced broker that is no replica changes nothing").isEmpty();
    }

    @Test
    void anUnfencedBrokerDoesNotGetLeadershipBack() {
        PartitionMetadata current = partition(2, List.of(1, 2), List.of(2, 1));

        assertThat(LeaderElection.next(current, Set.of(), Set.of(1, 2), false)).isEmpty();
    }

    @Test
    void aLeaderInControlledShutdownHandsLeadershipToTheFirstEligibleIsrMemberAndLeavesTheIsr() {
        PartitionMetadata current = new PartitionMetadata(0, 1, 4, List.of(1, 2, 3), List.of(1, 2, 3), 9);

        assertThat(LeaderElection.next(current, Set.of(), Set.of(1), Set.of(2, 3), false))
                .contains(new PartitionMetadata(0, 2, 5, List.of(1, 2, 3), List.of(2, 3), 9));
    }

    @Test
    void aFollowerInControlledShutdownLeavesTheIsrAndTheLeaderEpochStays() {
        PartitionMetadata current = new PartitionMetadata(0, 1, 4, List.of(1, 2, 3), List.of(1, 2, 3), 9);

        assertThat(LeaderElection.next(current, Set.of(), Set.of(2), Set.of(1, 3), false))
                .contains(new PartitionMetadata(0, 1, 4, List.of(1, 2, 3), List.of(1, 3), 9));
    }

    @Test
    void aLeaderInControlledShutdownWithoutAnEligibleIsrMemberKeepsLeadingEvenWhenUncleanElectionIsOn() {
        PartitionMetadata alone = new PartitionMetadata(0, 1, 4, List.of(1, 2), List.of(1), 9);
        PartitionMetadata withIneligible = new PartitionMetadata(0, 1, 4, List.of(1, 2), List.of(2, 1), 9);

        assertThat(LeaderElection.next(alone, Set.of(), Set.of(1), Set.of(2), true)).isEmpty();
        assertThat(LeaderElection.next(withIneligible, Set.of(), Set.of(1), Set.of(), true))
                .as("broker 2 is in sync but not live: broker 1 keeps leading and stays in the ISR").isEmpty();
    }

    @Test
    void aBrokerInControlledShutdownIsNotElectedForAnOfflinePartition() {
        PartitionMetadata current = new PartitionMetadata(0, -1, 4, List.of(1, 2), List.of(1), 9);

        assertThat(LeaderElection.next(current, Set.of(), Set.of(1), Set.of(2), false)).isEmpty();
    }
}
