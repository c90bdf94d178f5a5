package io.strata.engine.group;

/** States of a classic group, with the names Kafka reports in DescribeGroups and ListGroups. */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String displayName;

    GroupState(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** Case-insensitive lookup of a ListGroups states filter entry; null when no classic group has that state. */
    public static GroupState parse(String name) {
        for (GroupState state : values()) {
            if (state.displayName.equalsIgnoreCase(name)) {
                return state;
            }
        }
        return null;
    }
}
