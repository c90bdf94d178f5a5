package io.strata.engine.topic;

import io.strata.engine.metadata.BrokerRegistration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Chooses the brokers of new partitions, as Kafka's default assignment does: leaders round-robin over the
 * brokers from a start that differs per topic (so many small topics do not all lead on one broker), each
 * partition's followers on the next brokers; with racks, the broker list alternates racks and a partition takes
 * a replica from every rack before any rack gets a second one ({@code broker.rack}). When some brokers have a
 * rack and others not, those without one count as one unnamed rack.
 *
 * <p>Stateless; the start index comes from the caller so tests are deterministic.
 */
final class ReplicaPlacement {
    private ReplicaPlacement() {
    }

    /**
     * @param brokers           live brokers to place on
     * @param firstPartition    index of the first new partition
     * @param count             partitions to place
     * @param replicationFactor replicas per partition, at most the broker count
     * @param startIndex        where the leader round-robin starts (any int; taken modulo the broker count)
     * @return for each new partition, its replicas in preference order (the first is the preferred leader)
     */
    static List<List<Integer>> place(List<BrokerRegistration> brokers, int firstPartition, int count,
                                     int replicationFactor, int startIndex) {
        List<BrokerRegistration> ordered = rackAlternating(brokers);
        int n = ordered.size();
        boolean racks = brokers.stream().anyMatch(b -> b.rack() != null);
        int start = Math.floorMod(startIndex, n);
        List<List<Integer>> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int partition = firstPartition + i;
            int leader = (start + partition) % n;
            // Kafka shifts followers by a per-round offset so replicas of consecutive rounds do not line up.
            int shift = 1 + (partition / n) % Math.max(1, n - 1);
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(ordered.get(leader).brokerId());
            Set<String> racksUsed = new HashSet<>();
            racksUsed.add(rackOf(ordered.get(leader)));
            int totalRacks = (int) ordered.stream().map(ReplicaPlacement::rackOf).distinct().count();
            IntUnaryOperator next = k -> (leader + shift + k) % n;
            for (int k = 0; replicas.size() < replicationFactor && k < 2 * n; k++) {
                BrokerRegistration candidate = ordered.get(next.applyAsInt(k % n));
                if (replicas.contains(candidate.brokerId())) {
                    continue;
                }
                boolean rackTaken = racks && racksUsed.contains(rackOf(candidate)) && racksUsed.size() < totalRacks;
                if (rackTaken && k < n) {
                    continue; // first pass: only brokers of racks without a replica yet
                }
                replicas.add(candidate.brokerId());
                racksUsed.add(rackOf(candidate));
            }
            out.add(List.copyOf(replicas));
        }
        return out;
    }

    /** Brokers by id, interleaved rack by rack (rack a, rack b, rack c, rack a, ...) as Kafka arranges them. */
    static List<BrokerRegistration> rackAlternating(List<BrokerRegistration> brokers) {
        Map<String, List<BrokerRegistration>> byRack = new LinkedHashMap<>();
        brokers.stream().sorted(Comparator.comparingInt(BrokerRegistration::brokerId))
                .forEach(b -> byRack.computeIfAbsent(rackOf(b), r -> new ArrayList<>()).add(b));
        List<BrokerRegistration> out = new ArrayList<>(brokers.size());
        for (int round = 0; out.size() < brokers.size(); round++) {
            for (List<BrokerRegistration> rack : byRack.values()) {
                if (round < rack.size()) {
                    out.add(rack.get(round));
                }
            }
        }
        return out;
    }

    private static String rackOf(BrokerRegistration broker) {
        return broker.rack() == null ? "" : broker.rack();
    }
}
