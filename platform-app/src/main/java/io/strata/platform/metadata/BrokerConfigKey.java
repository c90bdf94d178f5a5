package io.strata.platform.metadata;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import java.io.Serializable;
import java.util.Objects;

/** Primary key of {@code broker_configs}: the broker id ({@link BrokerConfigEntity#CLUSTER_DEFAULT} for the default). */
@Embeddable
public class BrokerConfigKey implements Serializable {
    @Column(name = "broker_id")
    private int brokerId;

    @Column(name = "config_name", length = 255)
    private String name;

    protected BrokerConfigKey() {
    }

    public BrokerConfigKey(int brokerId, String name) {
        this.brokerId = brokerId;
        this.name = name;
    }

    public int getBrokerId() {
        return brokerId;
    }

    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BrokerConfigKey other && brokerId == other.brokerId && Objects.equals(name, other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(brokerId, name);
    }
}
