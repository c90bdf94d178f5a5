package io.strata.platform.metadata;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.util.UUID;

/** One per-topic config override, a row of {@code topic_configs}. */
@Entity
@Table(name = "topic_configs")
public class TopicConfigEntity extends AssignedIdEntity<TopicConfigKey> {
    /** Longest value the column holds; longer overrides are rejected before they reach the database. */
    public static final int MAX_VALUE_LENGTH = 8192;
    public static final int MAX_NAME_LENGTH = 255;

    @EmbeddedId
    private TopicConfigKey key;

    @Column(name = "config_value", nullable = false, length = MAX_VALUE_LENGTH)
    private String value;

    /** The metadata version that wrote this row. */
    @Column(name = "version", nullable = false)
    private long version;

    protected TopicConfigEntity() {
    }

    public TopicConfigEntity(UUID topicId, String name, String value, long version) {
        this.key = new TopicConfigKey(topicId, name);
        this.value = value;
        this.version = version;
    }

    @Override
    public TopicConfigKey getId() {
        return key;
    }

    public TopicConfigKey getKey() {
        return key;
    }

    public String getValue() {
        return value;
    }
}
