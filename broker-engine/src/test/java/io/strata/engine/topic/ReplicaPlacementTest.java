package io.strata.engine.topic;

import io.strata.engine.metadata.BrokerRegistration;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaPlacementTest {
    private static BrokerRegistration broker(int id, String rack) {
        return new BrokerRegistration(id, "localhost", 9092 + id, rack);
    }

    @Test
    void leadersAndReplicasSpreadEvenlyOverTheBrokers() {
        List<BrokerRegistration> brokers = List.of(broker(1, null), broker(2, null), broker(3, null));

        List<List<Integer>> placed = ReplicaPlacement.place(brokers, 0, 6, 3, 7);

        Map<Integer, Integer> leaders = new HashMap<>();
        for (List<Integer> replicas : placed) {
            assertThat(replicas).hasSize(3).doesNotHaveDuplicates().containsExactlyInAnyOrder(1, 2, 3);
            leaders.merge(replicas.get(0), 1, Integer::sum);
        }
        assertThat(leaders).containsOnlyKeys(1, 2, 3).allSatisfy((id, n) -> assertThat(n).isEqualTo(2));
    }

    @Test
    void theStartIndexMovesWhichBrokerLeadsTheFirstPartition() {
        List<BrokerRegistration> brokers = List.of(broker(1, null), broker(2, null), broker(3, null));

        Set<Integer> firstLeaders = new HashSet<>();
        for (int start = 0; start < 3; start++) {
            firstLeaders.add(ReplicaPlacement.place(brokers, 0, 1, 1, start).get(0).get(0));
        }

        assertThat(firstLeaders).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void everyRackHoldsAReplicaBeforeAnyRackHoldsTwo() {
        List<BrokerRegistration> brokers = List.of(broker(1, "a"), broker(2, "a"), broker(3, "b"), broker(4, "b"),
                broker(5, "c"), broker(6, "c"));
        Map<Integer, String> rackOf = brokers.stream()
                .collect(Collectors.toMap(BrokerRegistration::brokerId, BrokerRegistration::rack));

        for (int start = 0; start < 6; start++) {
            for (List<Integer> replicas : ReplicaPlacement.place(brokers, 0, 12, 3, start)) {
                assertThat(replicas).doesNotHaveDuplicates();
                assertThat(replicas.stream().map(rackOf::get).distinct()).hasSize(3);
            }
            for (List<Integer> replicas : ReplicaPlacement.place(brokers, 0, 12, 4, start)) {
                assertThat(replicas).doesNotHaveDuplicates();
                assertThat(replicas.subList(0, 3).stream().map(rackOf::get).distinct()).hasSize(3);
            }
        }
    }

    @Test
    void racksAlternateInTheBrokerOrder() {
        List<BrokerRegistration> brokers = List.of(broker(1, "a"), broker(2, "a"), broker(3, "b"), broker(4, "c"));

        assertThat(ReplicaPlacement.rackAlternating(brokers)).extracting(BrokerRegistration::brokerId)
                .containsExactly(1, 3, 4, 2);
    }
}
