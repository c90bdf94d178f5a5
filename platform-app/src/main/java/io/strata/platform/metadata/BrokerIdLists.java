package io.strata.platform.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Ordered broker id lists (replicas, ISR) as the comma-separated text the {@code topic_partitions} columns
 * hold: portable across H2 and PostgreSQL, and readable when inspecting the database by hand.
 */
final class BrokerIdLists {
    private BrokerIdLists() {
    }

    static String toColumn(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    static List<Integer> fromColumn(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        String[] parts = text.split(",");
        List<Integer> ids = new ArrayList<>(parts.length);
        for (String part : parts) {
            ids.add(Integer.parseInt(part.trim()));
        }
        return List.copyOf(ids);
    }
}
