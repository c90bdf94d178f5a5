package io.strata.admin.service.consumer;

import java.time.Duration;
import java.util.List;

/**
 * What a v2 consumer instance is, apart from the live consumer serving it: enough to recreate it on any node
 * (group, name, format, settings, subscription) once definitions are kept in a compacted topic. Immutable; a
 * subscription change makes a new definition.
 *
 * @param autoOffsetReset      {@code earliest}, {@code latest} or {@code none}
 * @param autoCommit           commit the records each records request returns, after returning them
 * @param fetchMinBytes        the consumer's {@code fetch.min.bytes}, null for the default
 * @param requestTimeout       the longest a records request waits ({@code consumer.request.timeout.ms})
 * @param isolationLevel       {@code read_uncommitted} or {@code read_committed} (Strata's extension)
 * @param subscription         the topics or pattern subscribed to, null when not subscribed
 */
public record ConsumerInstanceDefinition(String group, String name, RecordFormat format, String autoOffsetReset,
                                         boolean autoCommit, Integer fetchMinBytes, Duration requestTimeout,
                                         String isolationLevel, Subscription subscription) {

    public ConsumerInstanceDefinition withSubscription(Subscription newSubscription) {
        return new ConsumerInstanceDefinition(group, name, format, autoOffsetReset, autoCommit, fetchMinBytes,
                requestTimeout, isolationLevel, newSubscription);
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
