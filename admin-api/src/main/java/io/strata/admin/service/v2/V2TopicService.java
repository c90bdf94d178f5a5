package io.strata.admin.service.v2;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Topics as v2 reads them: names, descriptions with the configs set on the topic, partitions and their offsets.
 * Unknown topics fail with Kafka's {@link UnknownTopicOrPartitionException} (v2: 404/40401), unknown partitions
 * with 404/40402.
 */
@Service
public class V2TopicService {
    private final KafkaGateway gateway;

    public V2TopicService(KafkaGateway gateway) {
        this.gateway = gateway;
    }

    /** The names of the non-internal topics, sorted. */
    public List<String> topicNames() {
        return gateway.await(gateway.admin().listTopics().names()).stream().sorted().toList();
    }

    public TopicDescription describe(String topic) {
        return gateway.await(gateway.admin().describeTopics(List.of(topic)).topicNameValues().get(topic));
    }

    /** The topic's partitions in partition order. */
    public List<TopicPartitionInfo> partitions(String topic) {
        return describe(topic).partitions().stream().sorted(Comparator.comparingInt(TopicPartitionInfo::partition))
                .toList();
    }

    public TopicPartitionInfo partition(String topic, int partition) {
        return partitions(topic).stream().filter(p -> p.partition() == partition).findFirst()
                .orElseThrow(() -> partitionNotFound(topic, partition));
    }

    /** The configs set on the topic itself (what kafka-rest's v2 topic shows), by name. */
    public Map<String, String> topicConfigs(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        DescribeConfigsResult result = gateway.admin().describeConfigs(List.of(resource));
        Config config = gateway.await(result.values().get(resource));
        Map<String, String> configs = new TreeMap<>();
        for (ConfigEntry entry : config.entries()) {
            if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && entry.value() != null
                    && !entry.isSensitive()) {
                configs.put(entry.name(), entry.value());
            }
        }
        return new LinkedHashMap<>(configs);
    }

    /** The partition's first offset and the offset of its next record. */
    public long[] beginningAndEndOffsets(String topic, int partition) {
        partition(topic, partition);
        TopicPartition tp = new TopicPartition(topic, partition);
        ListOffsetsResult earliest = gateway.admin().listOffsets(Map.of(tp, OffsetSpec.earliest()));
        ListOffsetsResult latest = gateway.admin().listOffsets(Map.of(tp, OffsetSpec.latest()));
        return new long[] {gateway.await(earliest.partitionResult(tp)).offset(),
                gateway.await(latest.partitionResult(tp)).offset()};
    }

    public static RestException partitionNotFound(String topic, int partition) {
        return new RestException(HttpStatus.NOT_FOUND, 40402,
                "Partition " + partition + " of topic " + topic + " not found.");
    }
}
