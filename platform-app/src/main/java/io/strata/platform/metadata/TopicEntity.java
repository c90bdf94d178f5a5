package io.strata.platform.metadata;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/** A topic's identity; its partitions and configs live in their own tables keyed by {@code topicId}. */
@Entity
@Table(name = "topics")
public class TopicEntity extends AssignedIdEntity<UUID> {
    @Id
    @Column(name = "topic_id")
    private UUID topicId;

    @Column(name = "name", nullable = false, length = 249, unique = true)
    private String name;

    /** The metadata version of the topic's last change (its own row, partitions or configs). */
    @Column(name = "version", nullable = false)
    private long version;

    protected TopicEntity() {
    }

    public TopicEntity(UUID topicId, String name, long version) {
        this.topicId = topicId;
        this.name = name;
        this.version = version;
    }

    /** Marks the topic changed at {@code newVersion}; the caller holds the version row lock. */
    public void touch(long newVersion) {
        this.version = newVersion;
    }

    @Override
    public UUID getId() {
        return topicId;
    }

    public UUID getTopicId() {
        return topicId;
    }

    public String getName() {
        return name;
    }
}
