package io.strata.engine.it.cluster;

import io.strata.engine.config.BrokerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Base of tests that each run against a fresh three-broker cluster on one in-memory metadata store. */
abstract class ThreeBrokerClusterTestBase {
    @TempDir
    Path root;
    ClusterFixture cluster;

    @BeforeEach
    void startCluster() {
        cluster = ClusterFixture.start(root, 3, 3, brokerConfig());
    }

    /** How a test changes every broker's config; none by default. */
    UnaryOperator<BrokerConfig> brokerConfig() {
        return UnaryOperator.identity();
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }
}
