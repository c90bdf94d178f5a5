package io.strata.engine.group;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static io.strata.engine.group.GroupState.COMPLETING_REBALANCE;
import static io.strata.engine.group.GroupState.DEAD;
import static io.strata.engine.group.GroupState.EMPTY;
import static io.strata.engine.group.GroupState.PREPARING_REBALANCE;
import static io.strata.engine.group.GroupState.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupStateTest {
    /** Kafka's ClassicGroupState: each state and the states it may be entered from. */
    private static final Map<GroupState, Set<GroupState>> LEGAL_PREVIOUS = Map.of(
            EMPTY, EnumSet.of(PREPARING_REBALANCE),
            PREPARING_REBALANCE, EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY),
            COMPLETING_REBALANCE, EnumSet.of(PREPARING_REBALANCE),
            STABLE, EnumSet.of(COMPLETING_REBALANCE),
            DEAD, EnumSet.allOf(GroupState.class));

    @Test
    void eachStateMayBeEnteredOnlyFromItsLegalPreviousStates() {
        for (GroupState next : GroupState.values()) {
            for (GroupState previous : GroupState.values()) {
                assertThat(next.canFollow(previous)).as(previous + " -> " + next)
                        .isEqualTo(LEGAL_PREVIOUS.get(next).contains(previous));
            }
        }
    }

    @Test
    void anIllegalTransitionOfAGroupThrowsAndLeavesItsState() {
        ClassicGroup group = new ClassicGroup("g", 0, null);

        assertThatThrownBy(() -> group.transitionTo(STABLE, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot move to Stable from Empty");
        assertThat(group.state()).isEqualTo(EMPTY);
        assertThat(group.stateTimestampMs()).isZero();
    }

    @Test
    void aGroupGoesThroughARebalanceAndCanAlwaysDie() {
        ClassicGroup group = new ClassicGroup("g", 0, null);

        group.transitionTo(PREPARING_REBALANCE, 1);
        group.transitionTo(COMPLETING_REBALANCE, 2);
        group.transitionTo(STABLE, 3);
        group.transitionTo(DEAD, 4);

        assertThat(group.state()).isEqualTo(DEAD);
        assertThat(group.stateTimestampMs()).isEqualTo(4);
        assertThatThrownBy(() -> group.transitionTo(EMPTY, 5)).isInstanceOf(IllegalStateException.class);
    }
}
