package io.strata.engine.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Base of tests that start their own broker in a fresh temp dir; the broker and its clients close after each test. */
public abstract class BrokerTestBase {
    @TempDir
    protected Path dataDir;

    protected BrokerFixture fixture;

    @AfterEach
    protected void stopBroker() {
        if (fixture != null) {
            fixture.close();
        }
    }
}
