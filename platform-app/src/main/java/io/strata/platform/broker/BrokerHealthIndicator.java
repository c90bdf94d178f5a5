package io.strata.platform.broker;

import io.strata.engine.server.Broker;
import io.strata.engine.server.BrokerState;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The {@code broker} component of {@code /actuator/health}: UP while the broker serves Kafka clients,
 * OUT_OF_SERVICE while it starts, recovers logs or shuts down, DOWN when it is not running.
 */
@Component
@ConditionalOnProperty(prefix = "strata.broker", name = "enabled", havingValue = "true", matchIfMissing = true)
public class BrokerHealthIndicator implements HealthIndicator {
    private final BrokerLifecycle lifecycle;

    public BrokerHealthIndicator(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public Health health() {
        Optional<Broker> running = lifecycle.broker();
        if (running.isEmpty()) {
            return Health.down()
                    .withDetail("brokerId", lifecycle.config().brokerId())
                    .withDetail("state", BrokerState.NOT_RUNNING.name())
                    .build();
        }
        Broker broker = running.get();
        BrokerState state = broker.state();
        Health.Builder health = switch (state) {
            case RUNNING -> Health.up();
            case STARTING, RECOVERING_LOGS, SHUTTING_DOWN -> Health.outOfService();
            case NOT_RUNNING -> Health.down();
        };
        health.withDetail("brokerId", lifecycle.config().brokerId())
                .withDetail("state", state.name());
        if (state == BrokerState.RUNNING) {
            health.withDetail("bootstrapServers", broker.bootstrapServers())
                    .withDetail("clusterId", broker.clusterId());
        }
        return health.build();
    }
}
