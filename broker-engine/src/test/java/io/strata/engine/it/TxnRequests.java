package io.strata.engine.it;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Transactions by hand, before there is a transaction coordinator: transactional batches sent as raw Produce
 * requests and commit/abort markers as raw WriteTxnMarkers requests (what a coordinator sends to partition leaders),
 * on one {@link RawKafkaConnection} to the broker that leads the partitions.
 */
public final class TxnRequests implements AutoCloseable {
    private static final short PRODUCE_VERSION = 12; // names topics
    private static final short INIT_PRODUCER_ID_VERSION = 5;

    private final RawKafkaConnection connection;

    public TxnRequests(String bootstrap) throws IOException {
        connection = new RawKafkaConnection(bootstrap);
    }

    /** A fresh producer id (epoch 0) from InitProducerId without a transactional id. */
    public long initProducerId() throws IOException {
        InitProducerIdResponse response = connection.send(new InitProducerIdRequest.Builder(
                new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000)),
                INIT_PRODUCER_ID_VERSION);
        if (response.error() != Errors.NONE) {
            throw new AssertionError("InitProducerId failed: " + response.error());
        }
        return response.data().producerId();
    }

    /** One transactional batch of {@code values} (acks=all); the partition's error. */
    public Errors produce(TopicPartition tp, long producerId, short epoch, int baseSequence, String... values)
            throws IOException {
        return produce("raw-txn", tp, producerId, epoch, baseSequence, values);
    }

    /** As {@link #produce(TopicPartition, long, short, int, String...)} for {@code transactionalId}'s producer. */
    public Errors produce(String transactionalId, TopicPartition tp, long producerId, short epoch, int baseSequence,
                          String... values) throws IOException {
        return produce(connection, PRODUCE_VERSION, false, transactionalId, tp, producerId, epoch, baseSequence,
                values);
    }

    /**
     * One transactional batch of {@code values} (acks=all) at produce {@code version} (3-12: names topics) over
     * {@code connection}; {@code useTransactionV1Version} as kafka-clients' {@code ProduceRequest.builder}. The
     * partition's error.
     */
    static Errors produce(RawKafkaConnection connection, short version, boolean useTransactionV1Version,
                          String transactionalId, TopicPartition tp, long producerId, short epoch, int baseSequence,
                          String... values) throws IOException {
        SimpleRecord[] records = Arrays.stream(values)
                .map(v -> new SimpleRecord(v.getBytes(StandardCharsets.UTF_8))).toArray(SimpleRecord[]::new);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(tp.topic());
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(tp.partition())
                .setRecords(MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, baseSequence,
                        records)));
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(topic);
        ProduceResponse response = connection.send(ProduceRequest.builder(new ProduceRequestData()
                .setTransactionalId(transactionalId).setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics),
                useTransactionV1Version), version);
        return Errors.forCode(response.data().responses().iterator().next().partitionResponses().get(0).errorCode());
    }

    public Errors writeMarker(TopicPartition tp, long producerId, short epoch, boolean commit, int coordinatorEpoch,
                              short version) throws IOException {
        WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData();
        data.markers().add(new WriteTxnMarkersRequestData.WritableTxnMarker().setProducerId(producerId)
                .setProducerEpoch(epoch).setTransactionResult(commit).setCoordinatorEpoch(coordinatorEpoch)
                .setTransactionVersion((byte) (version >= 2 ? 2 : 0))
                .setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName(tp.topic())
                        .setPartitionIndexes(List.of(tp.partition())))));
        WriteTxnMarkersResponse response = connection.send(new WriteTxnMarkersRequest.Builder(data), version);
        WriteTxnMarkersResponseData.WritableTxnMarkerResult marker = response.data().markers().get(0);
        if (marker.producerId() != producerId) {
            throw new AssertionError("Answer for producer " + marker.producerId() + " instead of " + producerId);
        }
        return Errors.forCode(marker.topics().get(0).partitions().get(0).errorCode());
    }

    public Errors writeMarker(TopicPartition tp, long producerId, short epoch, boolean commit, int coordinatorEpoch)
            throws IOException {
        return writeMarker(tp, producerId, epoch, commit, coordinatorEpoch, (short) 2);
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
