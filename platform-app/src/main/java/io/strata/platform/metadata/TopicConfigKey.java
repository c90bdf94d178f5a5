package io.strata.platform.metadata;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** Primary key of {@code topic_configs}. */
@Embeddable
public class TopicConfigKey implements Serializable {
    @Column(name = "topic_id")
    private UUID topicId;

    @Column(name = "config_name", length = 255)
    private String name;

    protected TopicConfigKey() {
    }

    public TopicConfigKey(UUID topicId, String name) {
        this.topicId = topicId;
        this.name = name;
    }

    public UUID getTopicId() {
        return topicId;
    }

    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicConfigKey other && Objects.equals(topicId, other.topicId)
                && Objects.equals(name, other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topicId, name);
    }
}
