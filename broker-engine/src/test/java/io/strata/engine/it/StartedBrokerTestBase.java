package io.strata.engine.it;

import org.junit.jupiter.api.BeforeEach;

/** Base of tests that each run against a fresh broker with default settings, started before the test. */
public abstract class StartedBrokerTestBase extends BrokerTestBase {
    @BeforeEach
    protected void startBroker() {
        fixture = BrokerFixture.start(dataDir);
    }
}
