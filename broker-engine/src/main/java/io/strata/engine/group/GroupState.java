package io.strata.engine.group;

import java.util.EnumSet;
import java.util.Set;

/**
 * States of a classic group, with the names Kafka reports in DescribeGroups and ListGroups, and the states
 * each may be entered from (Kafka's ClassicGroupState table). Loading a group from the log sets its state
 * directly; every other change goes through {@link #checkTransitionFrom}.
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    static {
        EMPTY.validPrevious = EnumSet.of(PREPARING_REBALANCE);
        PREPARING_REBALANCE.validPrevious = EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
        COMPLETING_REBALANCE.validPrevious = EnumSet.of(PREPARING_REBALANCE);
        STABLE.validPrevious = EnumSet.of(COMPLETING_REBALANCE);
        DEAD.validPrevious = EnumSet.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
    }

    private final String displayName;
    private Set<GroupState> validPrevious;

    GroupState(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** Whether a group in {@code previous} may move to this state. */
    public boolean canFollow(GroupState previous) {
        return validPrevious.contains(previous);
    }

    /** @throws IllegalStateException unless a group in {@code previous} may move to this state */
    void checkTransitionFrom(GroupState previous, String groupId) {
        if (!canFollow(previous)) {
            throw new IllegalStateException("Group " + groupId + " cannot move to " + displayName + " from "
                    + previous.displayName + "; it may only from " + validPrevious);
        }
    }
}
