package io.strata.platform.metadata;

import org.apache.kafka.common.Uuid;

import java.util.UUID;

/** Converts between Kafka's topic id type and the {@link UUID} stored in the {@code UUID} columns. */
final class TopicIds {
    private TopicIds() {
    }

    static UUID toColumn(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    static Uuid fromColumn(UUID id) {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}
