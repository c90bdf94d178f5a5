package io.strata.platform.metadata;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** One dynamic broker config, a row of {@code broker_configs}. */
@Entity
@Table(name = "broker_configs")
public class BrokerConfigEntity extends AssignedIdEntity<BrokerConfigKey> {
    /** The broker id column's value for the cluster-wide default (Kafka's broker resource ""). */
    public static final int CLUSTER_DEFAULT = -1;

    @EmbeddedId
    private BrokerConfigKey key;

    @Column(name = "config_value", nullable = false, length = TopicConfigEntity.MAX_VALUE_LENGTH)
    private String value;

    /** The metadata version that wrote this row. */
    @Column(name = "version", nullable = false)
    private long version;

    protected BrokerConfigEntity() {
    }

    public BrokerConfigEntity(int brokerId, String name, String value, long version) {
        this.key = new BrokerConfigKey(brokerId, name);
        this.value = value;
        this.version = version;
    }

    @Override
    public BrokerConfigKey getId() {
        return key;
    }

    public BrokerConfigKey getKey() {
        return key;
    }

    public String getValue() {
        return value;
    }
}
