package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Base of coordinator unit tests: a temp dir for the offsets log and the coordinator closed after each test. */
abstract class GroupCoordinatorTestBase {
    @TempDir
    Path dir;

    GroupCoordinatorTestSupport support;

    @AfterEach
    void closeCoordinator() {
        if (support != null) {
            support.close();
        }
    }

    /** Starts a coordinator serving a freshly created offsets topic. */
    GroupCoordinatorTestSupport start(GroupConfig config) throws Exception {
        support = new GroupCoordinatorTestSupport(dir, config);
        support.coordinator.startServing();
        support.coordinator.ensureOffsetsTopic();
        return support;
    }
}
