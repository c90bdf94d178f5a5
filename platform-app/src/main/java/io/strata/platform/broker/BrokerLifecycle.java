package io.strata.platform.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.server.Broker;
import io.strata.engine.config.BrokerConfig;
import io.strata.platform.metadata.JdbcMetadataStore;
import io.strata.engine.server.BrokerState;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * Runs the engine's {@link Broker} for as long as the application context runs. It starts before the
 * web server and stops after it, so the admin API never serves while the broker is down. Start and stop
 * are called by Spring's lifecycle processor on one thread; {@link #broker()} may be read from any.
 */
@Component
@ConditionalOnProperty(prefix = "strata.broker", name = "enabled", havingValue = "true", matchIfMissing = true)
public class BrokerLifecycle implements SmartLifecycle {
    /** Before the embedded web server (which starts at DEFAULT_PHASE - 2048) and so stopped after it. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final BrokerConfig config;
    private final MetadataStore metadataStore;
    private final MeterRegistry meterRegistry;
    private volatile Broker broker;

    public BrokerLifecycle(BrokerConfig config, MetadataStore metadataStore, MeterRegistry meterRegistry) {
        this.config = config;
        this.metadataStore = metadataStore;
        this.meterRegistry = meterRegistry;
    }

    @Override
    public void start() {
        if (broker != null) {
            return;
        }
        String listener = config.listenerHost() + ":" + config.listenerPort();
        Broker candidate;
        try {
            if (metadataStore instanceof JdbcMetadataStore jdbc) {
                jdbc.checkBrokerAllowed(config.brokerId());
            }
            candidate = new Broker(config, metadataStore, meterRegistry);
            candidate.start();
        } catch (RuntimeException e) {
            throw new BrokerStartupException(config.brokerId(), listener, e);
        }
        broker = candidate;
    }

    @Override
    public void stop() {
        Broker running = broker;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public boolean isRunning() {
        Broker running = broker;
        return running != null && running.state() != BrokerState.NOT_RUNNING;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The broker once {@link #start()} has succeeded; it may since have been stopped (see its state). */
    public Optional<Broker> broker() {
        return Optional.ofNullable(broker);
    }

    public BrokerConfig config() {
        return config;
    }
}
