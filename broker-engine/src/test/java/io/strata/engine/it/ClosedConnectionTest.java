package io.strata.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client pipelines produces, far more than the broker keeps in flight per connection (so the broker stops
 * reading and the rest waits in the socket buffer, each produce waiting for its fsync), then goes away at once.
 * Every request it wrote is handled: the broker drops only the responses it can no longer deliver.
 */
class ClosedConnectionTest extends StartedBrokerTestBase {
    private static final String TOPIC = "closing";
    private static final int REQUESTS = 60;
    private static final int RECORDS_PER_REQUEST = 5;
    private static final int LARGE_BATCHES = 12;
    private static final int RECORDS_PER_LARGE_BATCH = 9; // of 100 kB: a batch stays below max.message.bytes
    private static final short FETCH_VERSION_WITH_TOPIC_NAMES = 12;
    private static final int FETCH_MAX_BYTES = 32 * 1024 * 1024;

    @BeforeEach
    void createTopic() throws Exception {
        fixture.createTopic(fixture.admin(), TOPIC, 1, Map.of());
    }

    @Test
    void everyRequestWrittenBeforeTheClientClosedItsSocketIsHandled() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            writeAll(c);
        }
        TopicRecordCount.awaitExactly(fixture.admin(), TOPIC, 1, (long) REQUESTS * RECORDS_PER_REQUEST);
    }

    @Test
    void aClientThatOnlyShutsDownItsOutputGetsEveryResponseAndThenTheBrokersClose() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            List<RequestHeader> answered = writeAll(c);
            c.shutdownOutput();
            for (RequestHeader header : answered) {
                ProduceResponse response = c.receive(header);
                ProduceResponseData.PartitionProduceResponse partition =
                        response.data().responses().iterator().next().partitionResponses().get(0);
                assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
                int request = header.correlationId() - 1; // the connection numbers its requests from 1
                assertThat(partition.baseOffset()).as("every earlier request was appended first")
                        .isEqualTo((long) request * RECORDS_PER_REQUEST);
            }
            assertThat(c.readsEndOfStream()).as("closed once everything was answered").isTrue();
        }
        TopicRecordCount.awaitExactly(fixture.admin(), TOPIC, 1, (long) REQUESTS * RECORDS_PER_REQUEST);
    }

    @Test
    void aHalfClosedClientGetsAResponseLargerThanTheSocketBuffersInFullBeforeTheBrokersClose() throws Exception {
        String value = "x".repeat(100_000);
        try (RawKafkaConnection producer = new RawKafkaConnection(fixture.bootstrapServers())) {
            for (int i = 0; i < LARGE_BATCHES; i++) {
                ProduceResponse response = producer.send(ProduceRequests.produce(TOPIC, (short) 1,
                        Collections.nCopies(RECORDS_PER_LARGE_BATCH, value).toArray(String[]::new)),
                        ProduceRequests.VERSION_WITH_TOPIC_NAMES);
                assertThat(response.errorCounts()).containsOnlyKeys(Errors.NONE);
            }
        }
        // More than the kernel buffers between broker and client hold (a send buffer is 4 MiB at most on
        // Linux, this receive buffer is fixed small), so most of the response is still queued in the broker
        // when the fetch is done.
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers(), 64 * 1024)) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            RequestHeader header = c.write(FetchRequest.Builder.forConsumer(FETCH_VERSION_WITH_TOPIC_NAMES, 0, 1,
                            Map.of(tp, new FetchRequest.PartitionData(Uuid.ZERO_UUID, 0, 0, FETCH_MAX_BYTES,
                                    Optional.empty())))
                    .setMaxBytes(FETCH_MAX_BYTES), FETCH_VERSION_WITH_TOPIC_NAMES);
            c.shutdownOutput();
            FetchResponse response = c.receive(header);
            FetchResponseData.PartitionData partition = response.responseData(Map.of(), FETCH_VERSION_WITH_TOPIC_NAMES)
                    .get(tp);
            assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
            int records = 0;
            for (Record ignored : FetchResponse.recordsOrFail(partition).records()) {
                records++;
            }
            assertThat(records).isEqualTo(LARGE_BATCHES * RECORDS_PER_LARGE_BATCH);
            assertThat(c.readsEndOfStream()).as("closed once the response was written").isTrue();
        }
    }

    /**
     * Writes every request without reading: mostly acks=0, every tenth acks=1, whose responses to a closed
     * socket make the broker's writes fail while later requests still wait unread. Returns the acks=1 ones.
     */
    private static List<RequestHeader> writeAll(RawKafkaConnection c) throws Exception {
        List<RequestHeader> answered = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            boolean acked = i % 10 == 9;
            int request = i;
            String[] values = IntStream.range(0, RECORDS_PER_REQUEST).mapToObj(r -> request + "-" + r)
                    .toArray(String[]::new);
            RequestHeader header = c.write(ProduceRequests.produce(TOPIC, acked ? (short) 1 : (short) 0, values),
                    ProduceRequests.VERSION_WITH_TOPIC_NAMES);
            if (acked) {
                answered.add(header);
            }
        }
        return answered;
    }
}
