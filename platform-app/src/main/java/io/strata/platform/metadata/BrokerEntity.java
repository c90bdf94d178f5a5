package io.strata.platform.metadata;

import io.strata.engine.metadata.BrokerRegistration;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A registered broker. Timestamps are written by the database clock (see {@link BrokerRepository}) so
 * liveness never depends on the brokers' clocks agreeing.
 */
@Entity
@Table(name = "brokers")
public class BrokerEntity {
    @Id
    @Column(name = "broker_id")
    private int brokerId;

    @Column(name = "host", nullable = false, length = 255)
    private String host;

    @Column(name = "port", nullable = false)
    private int port;

    @Column(name = "rack", length = 255)
    private String rack;

    @Column(name = "registered_at", nullable = false)
    private Instant registeredAt;

    @Column(name = "last_heartbeat", nullable = false)
    private Instant lastHeartbeat;

    @Column(name = "broker_epoch", nullable = false)
    private long brokerEpoch;

    /** The metadata version of the broker's last (re)registration. */
    @Column(name = "version", nullable = false)
    private long version;

    /** Whether this registration announced a controlled shutdown; cleared by the next registration. */
    @Column(name = "shutting_down", nullable = false)
    private boolean shuttingDown;

    protected BrokerEntity() {
    }

    /** @param live whether the broker's lease is current (judged by the caller against the database clock) */
    public BrokerRegistration toRegistration(boolean live) {
        return new BrokerRegistration(brokerId, host, port, rack, brokerEpoch, live, shuttingDown);
    }

    public int getBrokerId() {
        return brokerId;
    }

    public Instant getRegisteredAt() {
        return registeredAt;
    }

    public Instant getLastHeartbeat() {
        return lastHeartbeat;
    }
}
