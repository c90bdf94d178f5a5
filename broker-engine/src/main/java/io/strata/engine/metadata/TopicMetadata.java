package io.strata.engine.metadata;

import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Map;

/** A topic: its stable id, name, per-topic config overrides and partitions ordered by partition index. */
public record TopicMetadata(Uuid id, String name, Map<String, String> configs, List<PartitionMetadata> partitions) {
    public TopicMetadata {
        configs = Map.copyOf(configs);
        partitions = List.copyOf(partitions);
    }

    public boolean isInternal() {
        return name.startsWith("__");
    }
}
