package io.strata.platform.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.server.Broker;
import io.strata.engine.config.BrokerConfig;
import io.strata.platform.metadata.JdbcMetadataStore;
import io.strata.engine.server.BrokerState;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs the engine's {@link Broker} for as long as the application context runs. It starts before the
 * web server and stops after it, so the admin API never serves while the broker is down.
 *
 * <p>The broker's start (log recovery, metadata catch-up, the listener) begins on its own thread,
 * "strata-broker-start", as soon as this bean exists ({@link #afterPropertiesSet()}), that is once the
 * metadata store is migrated, and runs while Spring builds the rest of the context (web, admin API,
 * actuator: about a second); {@link #start()}, in the lifecycle phase, waits for it and fails the
 * context if it failed. A restart is ready that much sooner. If the context fails before its lifecycle
 * starts, {@link #destroy()} closes the broker once its start is over.
 *
 * <p>Threads: Spring calls the lifecycle methods on one thread; the start thread completes
 * {@code starting}; {@link #broker()} may be read from any thread.
 */
@Component
@ConditionalOnProperty(prefix = "strata.broker", name = "enabled", havingValue = "true", matchIfMissing = true)
public class BrokerLifecycle implements SmartLifecycle, InitializingBean, DisposableBean {
    /** Before the embedded web server (which starts at DEFAULT_PHASE - 2048) and so stopped after it. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final BrokerConfig config;
    private final MetadataStore metadataStore;
    private final MeterRegistry meterRegistry;
    /** The start in progress or done; null until it begins. Guarded by this. */
    private CompletableFuture<Broker> starting;
    /** Set by the start thread once the broker serves. */
    private volatile Broker broker;

    public BrokerLifecycle(BrokerConfig config, MetadataStore metadataStore, MeterRegistry meterRegistry) {
        this.config = config;
        this.metadataStore = metadataStore;
        this.meterRegistry = meterRegistry;
    }

    /** Begins the broker's start in the background, see the class comment. */
    @Override
    public void afterPropertiesSet() {
        beginStart();
    }

    /** Waits for the start begun in {@link #afterPropertiesSet()} (or begins and waits for one). */
    @Override
    public void start() {
        try {
            beginStart().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    private synchronized CompletableFuture<Broker> beginStart() {
        if (starting == null) {
            CompletableFuture<Broker> future = new CompletableFuture<>();
            starting = future;
            Thread thread = new Thread(() -> {
                try {
                    Broker started = startBroker();
                    broker = started;
                    future.complete(started);
                } catch (Throwable t) {
                    future.completeExceptionally(t);
                }
            }, "strata-broker-start");
            thread.setDaemon(true);
            thread.start();
        }
        return starting;
    }

    private Broker startBroker() {
        String listener = config.listenerHost() + ":" + config.listenerPort();
        try {
            if (metadataStore instanceof JdbcMetadataStore jdbc) {
                jdbc.checkBrokerAllowed(config.brokerId());
            }
            Broker candidate = new Broker(config, metadataStore, meterRegistry);
            candidate.start();
            return candidate;
        } catch (RuntimeException e) {
            throw new BrokerStartupException(config.brokerId(), listener, e);
        }
    }

    @Override
    public void stop() {
        Broker running = broker;
        if (running != null) {
            running.close();
        }
    }

    /** After {@link #stop()} a no-op (closing a stopped broker is); after a failed context it ends the start. */
    @Override
    public void destroy() {
        CompletableFuture<Broker> begun;
        synchronized (this) {
            begun = starting;
        }
        if (begun != null) {
            begun.handle((started, failure) -> null).join();
            stop();
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

    /** The broker once its start has succeeded; it may since have been stopped (see its state). */
    public Optional<Broker> broker() {
        return Optional.ofNullable(broker);
    }

    public BrokerConfig config() {
        return config;
    }
}
