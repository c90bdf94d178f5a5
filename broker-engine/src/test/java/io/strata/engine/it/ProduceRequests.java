package io.strata.engine.it;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;

/** Builds raw produce requests for {@link RawKafkaConnection}; send them at v12, the last version naming topics. */
final class ProduceRequests {
    static final short VERSION_WITH_TOPIC_NAMES = 12;

    private ProduceRequests() {
    }

    /** One uncompressed batch of {@code values} for partition 0 of {@code topic}. */
    static ProduceRequest.Builder produce(String topic, short acks, String... values) {
        SimpleRecord[] records = Arrays.stream(values)
                .map(v -> new SimpleRecord(v.getBytes(StandardCharsets.UTF_8))).toArray(SimpleRecord[]::new);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, records)));
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(topicData);
        return ProduceRequest.builder(new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000)
                .setTopicData(topics));
    }
}
