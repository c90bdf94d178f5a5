package io.strata.platform.broker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.engine.metadata.InMemoryMetadataStore;
import io.strata.engine.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerHealthIndicatorTest {

    @Test
    void aBrokerThatNeverStartedIsDown() {
        BrokerLifecycle lifecycle = new BrokerLifecycle(BrokerConfig.defaults(Path.of("unused"), 0),
                new InMemoryMetadataStore(), new SimpleMeterRegistry());

        Health health = new BrokerHealthIndicator(lifecycle).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("state", "NOT_RUNNING").containsEntry("brokerId", 0);
        assertThat(lifecycle.isRunning()).isFalse();
    }
}
