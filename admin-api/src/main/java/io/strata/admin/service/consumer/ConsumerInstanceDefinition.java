package io.strata.admin.service.consumer;

import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;

/**
 * What a v2 consumer instance is, apart from the live consumer serving it: enough to recreate it on any node
 * (group, name, format, settings, subscription or assignment), which is what the instance directory keeps.
 * Immutable; a subscription or assignment change makes a new definition.
 *
 * @param autoOffsetReset      {@code earliest}, {@code latest} or {@code none}
 * @param autoCommit           commit the records each records request returns, after returning them
 * @param fetchMinBytes        the consumer's {@code fetch.min.bytes}, null for the default
 * @param requestTimeout       the longest a records request waits ({@code consumer.request.timeout.ms})
 * @param isolationLevel       {@code read_uncommitted} or {@code read_committed} (Strata's extension)
 * @param subscription         the topics or pattern subscribed to, null when not subscribed
 * @param assignment           the partitions assigned by hand, null when none are
 */
public record ConsumerInstanceDefinition(String group, String name, RecordFormat format, String autoOffsetReset,
                                         boolean autoCommit, Integer fetchMinBytes, Duration requestTimeout,
                                         String isolationLevel, Subscription subscription,
                                         List<TopicPartition> assignment) {

    public ConsumerInstanceDefinition {
        assignment = assignment == null ? null : List.copyOf(assignment);
    }

    /** Subscribed (or, with null, neither subscribed nor assigned): a subscription ends manual assignments. */
    public ConsumerInstanceDefinition withSubscription(Subscription newSubscription) {
        return new ConsumerInstanceDefinition(group, name, format, autoOffsetReset, autoCommit, fetchMinBytes,
                requestTimeout, isolationLevel, newSubscription, null);
    }

    public ConsumerInstanceDefinition withAssignment(List<TopicPartition> partitions) {
        return new ConsumerInstanceDefinition(group, name, format, autoOffsetReset, autoCommit, fetchMinBytes,
                requestTimeout, isolationLevel, null, partitions);
    }

    /** A subscription to a list of topics or to the topics matching a Java regular expression. */
    public record Subscription(List<String> topics, String topicPattern) {

        public Subscription {
            topics = topics == null ? null : List.copyOf(topics);
        }

        public static Subscription toTopics(List<String> topics) {
            return new Subscription(topics, null);
        }

        public static Subscription toPattern(String pattern) {
            return new Subscription(null, pattern);
        }
    }
}
