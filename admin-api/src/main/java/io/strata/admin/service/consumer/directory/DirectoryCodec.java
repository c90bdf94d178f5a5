package io.strata.admin.service.consumer.directory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.strata.admin.service.consumer.ConsumerInstanceDefinition;
import io.strata.admin.service.consumer.RecordFormat;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;

/**
 * The directory topic's record format: key {@code ["group","name"]} (a JSON array, so no separator can be
 * ambiguous), value the entry as JSON with snake_case fields, or no value (a tombstone) for a deleted
 * instance. Unreadable records fail with {@link IllegalArgumentException}.
 */
final class DirectoryCodec {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final TypeReference<List<String>> KEY = new TypeReference<>() {
    };

    private DirectoryCodec() {
    }

    static byte[] key(InstanceKey key) {
        return MAPPER.writeValueAsBytes(List.of(key.group(), key.name()));
    }

    static InstanceKey key(byte[] bytes) {
        try {
            List<String> parts = MAPPER.readValue(bytes, KEY);
            if (parts == null || parts.size() != 2 || parts.contains(null)) {
                throw new IllegalArgumentException("A directory key is [group, name]");
            }
            return new InstanceKey(parts.get(0), parts.get(1));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("Unreadable directory key", e);
        }
    }

    static byte[] value(DirectoryEntry entry) {
        ConsumerInstanceDefinition d = entry.definition();
        return MAPPER.writeValueAsBytes(new StoredInstance(d.group(), d.name(), d.format().lowerName(),
                d.autoOffsetReset(), d.autoCommit(), d.fetchMinBytes(), d.requestTimeout().toMillis(),
                d.isolationLevel(), d.subscription() == null ? null : d.subscription().topics(),
                d.subscription() == null ? null : d.subscription().topicPattern(),
                d.assignment() == null ? null
                        : d.assignment().stream().map(tp -> new StoredPartition(tp.topic(), tp.partition())).toList(),
                entry.ownerNodeId(), entry.ownerUrl(), entry.leaseExpiresAtMs(), entry.ownerEpoch()));
    }

    static DirectoryEntry value(byte[] bytes) {
        StoredInstance s;
        try {
            s = MAPPER.readValue(bytes, StoredInstance.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("Unreadable directory entry", e);
        }
        RecordFormat format = RecordFormat.parse(s.format());
        if (s.group() == null || s.name() == null || format == null || s.ownerNodeId() == null || s.ownerUrl() == null) {
            throw new IllegalArgumentException("A directory entry lacks its group, name, format or owner");
        }
        ConsumerInstanceDefinition.Subscription subscription = s.topics() != null
                ? ConsumerInstanceDefinition.Subscription.toTopics(s.topics())
                : s.topicPattern() != null ? ConsumerInstanceDefinition.Subscription.toPattern(s.topicPattern()) : null;
        List<TopicPartition> assignment = s.assignment() == null ? null
                : s.assignment().stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        ConsumerInstanceDefinition definition = new ConsumerInstanceDefinition(s.group(), s.name(), format,
                s.autoOffsetReset(), s.autoCommit(), s.fetchMinBytes(), Duration.ofMillis(s.requestTimeoutMs()),
                s.isolationLevel(), subscription, assignment);
        return new DirectoryEntry(definition, s.ownerNodeId(), s.ownerUrl(), s.leaseExpiresAtMs(), s.ownerEpoch());
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredInstance(@JsonProperty("group") String group,
                          @JsonProperty("name") String name,
                          @JsonProperty("format") String format,
                          @JsonProperty("auto_offset_reset") String autoOffsetReset,
                          @JsonProperty("auto_commit") boolean autoCommit,
                          @JsonProperty("fetch_min_bytes") Integer fetchMinBytes,
                          @JsonProperty("request_timeout_ms") long requestTimeoutMs,
                          @JsonProperty("isolation_level") String isolationLevel,
                          @JsonProperty("subscription_topics") List<String> topics,
                          @JsonProperty("subscription_pattern") String topicPattern,
                          @JsonProperty("assignment") List<StoredPartition> assignment,
                          @JsonProperty("owner_node_id") String ownerNodeId,
                          @JsonProperty("owner_url") String ownerUrl,
                          @JsonProperty("lease_expires_at_ms") long leaseExpiresAtMs,
                          @JsonProperty("owner_epoch") long ownerEpoch) {
    }

    record StoredPartition(@JsonProperty("topic") String topic, @JsonProperty("partition") int partition) {
    }
}
