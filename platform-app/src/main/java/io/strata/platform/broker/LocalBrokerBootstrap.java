package io.strata.platform.broker;

import io.strata.admin.gateway.KafkaBootstrap;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Points the HTTP layer's Kafka clients at the broker of this process (its bound listener, loopback when it
 * binds every address). From there they learn the whole cluster like any client.
 */
@Component
@ConditionalOnProperty(prefix = "strata.broker", name = "enabled", havingValue = "true", matchIfMissing = true)
public class LocalBrokerBootstrap implements KafkaBootstrap {
    private final BrokerLifecycle lifecycle;

    public LocalBrokerBootstrap(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public String bootstrapServers() {
        var broker = lifecycle.broker().orElseThrow(() ->
                new IllegalStateException("The broker of this process has not started"));
        String host = lifecycle.config().listenerHost();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
            host = "127.0.0.1";
        }
        return host + ":" + broker.boundPort();
    }
}
