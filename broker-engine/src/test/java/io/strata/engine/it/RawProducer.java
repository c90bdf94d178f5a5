package io.strata.engine.it;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raw Produce requests (acks=-1) on one {@link RawKafkaConnection}, at the highest Produce version the
 * broker advertises unless told otherwise: topics go by id from v13 (ids looked up once with a raw Metadata
 * request), by name before. The records are sent byte for byte as given, broken or not.
 */
final class RawProducer implements AutoCloseable {
    /** The last Produce version that names topics instead of giving their ids. */
    static final short LAST_VERSION_BY_NAME = 12;
    private static final short FIRST_VERSION_BY_ID = 13;

    private final RawKafkaConnection connection;
    private final short latestVersion;
    private final Map<String, Uuid> topicIds = new HashMap<>();
    private final Map<Uuid, String> topicNames = new HashMap<>();

    RawProducer(String bootstrap) throws IOException {
        connection = new RawKafkaConnection(bootstrap);
        ApiVersionsResponse versions = connection.send(new ApiVersionsRequest.Builder(), (short) 3);
        latestVersion = versions.apiVersion(ApiKeys.PRODUCE.id).maxVersion();
    }

    /** The highest Produce version the broker advertises; requests use it by default. */
    short latestVersion() {
        return latestVersion;
    }

    ProduceResponseData.PartitionProduceResponse produce(TopicPartition tp, MemoryRecords records) throws IOException {
        return produce(Map.of(tp, records)).get(tp);
    }

    Map<TopicPartition, ProduceResponseData.PartitionProduceResponse> produce(Map<TopicPartition, MemoryRecords> batches)
            throws IOException {
        return produce(latestVersion, batches);
    }

    /** One request carrying a batch per partition; the partition responses by partition. */
    Map<TopicPartition, ProduceResponseData.PartitionProduceResponse> produce(
            short version, Map<TopicPartition, MemoryRecords> batches) throws IOException {
        boolean byId = version >= FIRST_VERSION_BY_ID;
        Map<String, ProduceRequestData.TopicProduceData> byTopic = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, MemoryRecords> batch : batches.entrySet()) {
            String topic = batch.getKey().topic();
            byTopic.computeIfAbsent(topic, t -> byId
                            ? new ProduceRequestData.TopicProduceData().setTopicId(topicId(t))
                            : new ProduceRequestData.TopicProduceData().setName(t))
                    .partitionData().add(new ProduceRequestData.PartitionProduceData()
                            .setIndex(batch.getKey().partition()).setRecords(batch.getValue()));
        }
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        byTopic.values().forEach(topics::add);
        ProduceResponse response = connection.send(unchecked(new ProduceRequestData()
                .setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics)), version);
        Map<TopicPartition, ProduceResponseData.PartitionProduceResponse> out = new HashMap<>();
        for (ProduceResponseData.TopicProduceResponse topic : response.data().responses()) {
            String name = byId ? topicNames.get(topic.topicId()) : topic.name();
            for (ProduceResponseData.PartitionProduceResponse partition : topic.partitionResponses()) {
                out.put(new TopicPartition(name, partition.index()), partition);
            }
        }
        if (!out.keySet().equals(batches.keySet())) {
            throw new AssertionError("Produce response covers " + out.keySet() + ", request " + batches.keySet());
        }
        return out;
    }

    /**
     * As {@link ProduceRequest#builder(ProduceRequestData)}, minus its client-side record checks (magic v2,
     * exactly one batch), which would stop some broken batches before they reach the broker.
     */
    private static AbstractRequest.Builder<ProduceRequest> unchecked(ProduceRequestData data) {
        return new AbstractRequest.Builder<>(ApiKeys.PRODUCE) {
            @Override
            public ProduceRequest build(short version) {
                return new ProduceRequest(data, version);
            }
        };
    }

    /** A fresh idempotent producer id and epoch from a raw InitProducerId request. */
    InitProducerIdResponseData initProducerId() throws IOException {
        InitProducerIdResponse response = connection.send(new InitProducerIdRequest.Builder(
                new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000)),
                ApiKeys.INIT_PRODUCER_ID.latestVersion(false)); // v5: v6 (KIP-939) is unstable and not advertised
        if (response.error() != Errors.NONE) {
            throw new AssertionError("InitProducerId failed: " + response.error());
        }
        return response.data();
    }

    private Uuid topicId(String topic) {
        return topicIds.computeIfAbsent(topic, t -> {
            try {
                MetadataResponse response = connection.send(new MetadataRequest.Builder(List.of(t), false),
                        ApiKeys.METADATA.latestVersion());
                MetadataResponseData.MetadataResponseTopic data = response.data().topics().find(t);
                if (data == null || data.errorCode() != Errors.NONE.code() || Uuid.ZERO_UUID.equals(data.topicId())) {
                    throw new AssertionError("No topic id for " + t + ": " + response.data());
                }
                topicNames.put(data.topicId(), t);
                return data.topicId();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
