package io.strata.engine.it.cluster;

import io.strata.engine.metadata.ControllerLease;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.NotControllerException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Three brokers on one metadata store: one controller lease holder, seen by all, and its failover. */
class ControllerLeaseTest extends ThreeBrokerClusterTestBase {
    private static final Duration CONVERGENCE = Duration.ofSeconds(5);

    @Test
    void exactlyOneBrokerIsControllerAndEveryBrokerReportsIt() {
        List<Integer> controllers = IntStream.rangeClosed(1, 3).filter(id -> cluster.broker(id).isController())
                .boxed().toList();
        assertThat(controllers).hasSize(1);
        int controller = controllers.get(0);
        assertThat(cluster.store().controller()).map(ControllerLease::brokerId).contains(controller);
        assertThat(cluster.broker(controller).controllerEpoch())
                .isEqualTo(cluster.store().controller().map(ControllerLease::controllerEpoch));

        for (int id = 1; id <= 3; id++) {
            Admin admin = cluster.admin(id);
            await().atMost(CONVERGENCE).untilAsserted(() -> assertThat(controllerOf(admin)).isEqualTo(controller));
        }
        assertThat(activeGauge(controller)).isEqualTo(1.0);
        IntStream.rangeClosed(1, 3).filter(id -> id != controller)
                .forEach(id -> assertThat(activeGauge(id)).isEqualTo(0.0));
    }

    @Test
    void anotherBrokerTakesOverWithAHigherEpochWhenTheControllerCrashesAndTheOldEpochIsFenced() {
        int old = IntStream.rangeClosed(1, 3).filter(id -> cluster.broker(id).isController()).findFirst()
                .orElseThrow();
        long oldEpoch = cluster.broker(old).controllerEpoch().orElseThrow();
        List<Integer> survivors = IntStream.rangeClosed(1, 3).filter(id -> id != old).boxed().toList();
        List<Admin> admins = survivors.stream().map(cluster::admin).toList();

        long stoppedAt = System.nanoTime();
        cluster.broker(old).halt(); // a crash: the lease is not given back, so it must expire
        assertThat(cluster.broker(old).isController()).isFalse();

        await().atMost(Duration.ofMillis(ClusterFixture.SESSION_TIMEOUT_MS).plus(CONVERGENCE))
                .until(() -> survivors.stream().anyMatch(id -> cluster.broker(id).isController()));
        long tookOverMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        List<Integer> controllers = survivors.stream().filter(id -> cluster.broker(id).isController()).toList();
        assertThat(controllers).hasSize(1);
        int controller = controllers.get(0);
        long newEpoch = cluster.broker(controller).controllerEpoch().orElseThrow();
        assertThat(newEpoch).isGreaterThan(oldEpoch);
        assertThat(tookOverMs).isLessThan(ClusterFixture.SESSION_TIMEOUT_MS + CONVERGENCE.toMillis());
        for (Admin admin : admins) {
            await().atMost(CONVERGENCE).untilAsserted(() -> assertThat(controllerOf(admin)).isEqualTo(controller));
        }

        assertThatThrownBy(() -> cluster.store().asController(oldEpoch,
                () -> cluster.store().createTopic("written-by-a-deposed-controller", Map.of(), List.of())))
                .isInstanceOf(NotControllerException.class);
        assertThat(cluster.store().topic("written-by-a-deposed-controller")).isEmpty();
        assertThat(cluster.store().asController(newEpoch, () -> "written")).isEqualTo("written");
    }

    @Test
    void aControllerShuttingDownGivesItsLeaseBackSoASurvivorTakesOverAtItsNextHeartbeat() {
        int old = IntStream.rangeClosed(1, 3).filter(id -> cluster.broker(id).isController()).findFirst()
                .orElseThrow();
        long oldEpoch = cluster.broker(old).controllerEpoch().orElseThrow();
        List<Integer> survivors = IntStream.rangeClosed(1, 3).filter(id -> id != old).boxed().toList();

        cluster.broker(old).close();

        // Released at once: without the release the lease would stay with the old broker for a session timeout.
        assertThat(cluster.store().controller()).map(ControllerLease::brokerId).isNotEqualTo(Optional.of(old));
        await().atMost(CONVERGENCE).until(() -> survivors.stream().anyMatch(id -> cluster.broker(id).isController()));
        int controller = survivors.stream().filter(id -> cluster.broker(id).isController()).findFirst().orElseThrow();
        assertThat(cluster.broker(controller).controllerEpoch().orElseThrow()).isGreaterThan(oldEpoch);
        assertThatThrownBy(() -> cluster.store().asController(oldEpoch, () -> "stale"))
                .isInstanceOf(NotControllerException.class);
    }

    private static int controllerOf(Admin admin) throws Exception {
        Node node = admin.describeCluster().controller().get();
        return node == null ? ControllerLease.NO_CONTROLLER : node.id();
    }

    private double activeGauge(int id) {
        return cluster.meterRegistry(id).get("strata.controller.active").gauge().value();
    }
}
