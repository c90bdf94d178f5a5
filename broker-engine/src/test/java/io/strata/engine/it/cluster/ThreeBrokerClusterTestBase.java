package io.strata.engine.it.cluster;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Base of tests that each run against a fresh three-broker cluster on one in-memory metadata store. */
abstract class ThreeBrokerClusterTestBase {
    @TempDir
    Path root;
    ClusterFixture cluster;

    @BeforeEach
    void startCluster() {
        cluster = ClusterFixture.start(root, 3);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }
}
