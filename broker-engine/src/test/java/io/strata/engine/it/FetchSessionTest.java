package io.strata.engine.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Incremental fetch sessions (KIP-227) as raw Fetch requests see them, and as a real consumer uses them: a full
 * fetch opens a session, incremental fetches name only what changed and are answered only with partitions that
 * have news, and session errors are top-level codes the client recovers from.
 */
class FetchSessionTest {
    private static final String TOPIC = "sessions";
    private static final short V18 = 18;

    @TempDir
    Path dataDir;

    private BrokerFixture fixture;
    private KafkaProducer<String, String> producer;
    private Uuid topicId;

    @BeforeEach
    void start() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        fixture.createTopic(fixture.admin(), TOPIC, 3, Map.of());
        topicId = fixture.admin().describeTopics(List.of(TOPIC)).allTopicNames().get(30, SECONDS).get(TOPIC).topicId();
        producer = fixture.producer(Map.of());
        for (int p = 0; p < 3; p++) {
            produce(p, "first-" + p);
            produce(p, "second-" + p);
        }
    }

    @AfterEach
    void stop() {
        producer.close();
        fixture.close();
    }

    @Test
    void incrementalFetchesAreAnsweredOnlyWithThePartitionsThatHaveNews() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            FetchResponse full = c.send(fetch(FetchMetadata.INITIAL, at(0, 2L, 1, 2L, 2, 2L), List.of()), V18);
            int session = full.sessionId();
            assertThat(session).as("the full fetch opened a session").isNotEqualTo(FetchMetadata.INVALID_SESSION_ID);
            assertThat(partitions(full)).containsOnlyKeys(0, 1, 2);

            FetchResponse quiet = c.send(fetch(new FetchMetadata(session, 1), Map.of(), List.of()), V18);
            assertThat(quiet.error()).isEqualTo(Errors.NONE);
            assertThat(quiet.sessionId()).isEqualTo(session);
            assertThat(partitions(quiet)).as("nothing changed").isEmpty();

            produce(1, "third-1");
            FetchResponse news = c.send(fetch(new FetchMetadata(session, 2), Map.of(), List.of()), V18);
            assertThat(partitions(news)).as("only the partition produced to").containsOnlyKeys(1);
            assertThat(partitions(news).get(1).highWatermark()).isEqualTo(3);
            assertThat(FetchResponse.recordsSize(partitions(news).get(1))).isPositive();

            // The fetcher moves partition 1 on; the broker has nothing new to say about any partition.
            FetchResponse moved = c.send(fetch(new FetchMetadata(session, 3), at(1, 3L), List.of()), V18);
            assertThat(partitions(moved)).isEmpty();
            // ...and reads partition 0 from its start again: its records are news.
            FetchResponse reread = c.send(fetch(new FetchMetadata(session, 4), at(0, 0L), List.of()), V18);
            assertThat(partitions(reread)).containsOnlyKeys(0);
            assertThat(FetchResponse.recordsSize(partitions(reread).get(0))).isPositive();
        }
    }

    @Test
    void sessionErrorsAreTopLevelAndLeaveTheSessionAsItWas() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            int session = c.<FetchResponse>send(fetch(FetchMetadata.INITIAL, at(0, 2L), List.of()), V18).sessionId();

            FetchResponse stale = c.send(fetch(new FetchMetadata(session, 5), Map.of(), List.of()), V18);
            assertThat(stale.error()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
            assertThat(stale.data().responses()).isEmpty();
            FetchResponse unknown = c.send(fetch(new FetchMetadata(session + 1, 1), Map.of(), List.of()), V18);
            assertThat(unknown.error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
            FetchResponse byName = c.send(fetch(new FetchMetadata(session, 1), Map.of(), List.of()), (short) 12);
            assertThat(byName.error()).as("a session by topic ids is not continued by names")
                    .isEqualTo(Errors.FETCH_SESSION_TOPIC_ID_ERROR);

            FetchResponse next = c.send(fetch(new FetchMetadata(session, 1), Map.of(), List.of()), V18);
            assertThat(next.error()).isEqualTo(Errors.NONE);
            assertThat(next.sessionId()).isEqualTo(session);
        }
    }

    @Test
    void forgettingEveryPartitionOrAFinalFetchClosesTheSession() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            int first = c.<FetchResponse>send(fetch(FetchMetadata.INITIAL, at(0, 2L, 1, 2L), List.of()), V18)
                    .sessionId();
            FetchResponse forgot = c.send(fetch(new FetchMetadata(first, 1), Map.of(), List.of(0, 1)), V18);
            assertThat(forgot.error()).isEqualTo(Errors.NONE);
            assertThat(forgot.sessionId()).as("answered sessionless").isEqualTo(FetchMetadata.INVALID_SESSION_ID);
            assertThat(c.<FetchResponse>send(fetch(new FetchMetadata(first, 2), Map.of(), List.of()), V18).error())
                    .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);

            int second = c.<FetchResponse>send(fetch(FetchMetadata.INITIAL, at(0, 2L), List.of()), V18).sessionId();
            FetchResponse last = c.send(fetch(new FetchMetadata(second, FetchMetadata.FINAL_EPOCH), at(0, 0L),
                    List.of()), V18);
            assertThat(last.sessionId()).isEqualTo(FetchMetadata.INVALID_SESSION_ID);
            assertThat(partitions(last)).as("a final fetch is a full sessionless one").containsOnlyKeys(0);
            assertThat(c.<FetchResponse>send(fetch(new FetchMetadata(second, 1), Map.of(), List.of()), V18).error())
                    .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
    }

    /**
     * Under a response limit of one batch, a partition that returned records goes to the back of the line (from the
     * first incremental fetch on: the full fetch leaves the request's order, so partition 0 is read first twice,
     * which, holding two records, then has none left; without the rotation partition 1 would be served twice).
     */
    @Test
    void underAResponseByteLimitEachPartitionGetsItsTurn() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            FetchResponse full = c.send(fetch(FetchMetadata.INITIAL, at(0, 0L, 1, 0L, 2, 0L), List.of(), 1), V18);
            int session = full.sessionId();
            List<Integer> served = new ArrayList<>(withRecords(full));
            Map<Integer, Long> next = new TreeMap<>(Map.of(0, 0L, 1, 0L, 2, 0L));
            for (int epoch = 1; epoch <= 3; epoch++) {
                int last = served.get(served.size() - 1);
                next.put(last, next.get(last) + 1); // one record per batch here: the fetcher moves one on
                FetchResponse r = c.send(fetch(new FetchMetadata(session, epoch), at(last, next.get(last)),
                        List.of(), 1), V18);
                served.addAll(withRecords(r));
            }
            assertThat(served).as("partitions served, one per response").containsExactly(0, 0, 1, 2);
        }
    }

    @Test
    void aConsumerReadsThroughItsSessionWhilePausedPartitionsAreForgottenAndAddedBack() throws Exception {
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100));
        List<TopicPartition> partitions = List.of(tp(0), tp(1), tp(2));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, List<ConsumerRecord<String, String>>> read =
                BrokerFixture.pollUntilEnd(consumer, Map.of(tp(0), 2L, tp(1), 2L, tp(2), 2L), Duration.ofSeconds(30));
        assertThat(read.get(tp(2))).extracting(ConsumerRecord::value).containsExactly("first-2", "second-2");
        assertThat(fixture.meterRegistry().get("strata.fetch.sessions").gauge().value())
                .as("the consumer fetches through a session").isEqualTo(1.0);

        consumer.pause(List.of(tp(0)));
        produce(0, "while-paused-0");
        produce(1, "third-1");
        Map<TopicPartition, List<ConsumerRecord<String, String>>> more =
                BrokerFixture.pollUntilEnd(consumer, Map.of(tp(1), 3L), Duration.ofSeconds(30));
        assertThat(more.get(tp(1))).extracting(ConsumerRecord::value).containsExactly("third-1");
        consumer.resume(List.of(tp(0)));
        Map<TopicPartition, List<ConsumerRecord<String, String>>> resumed =
                BrokerFixture.pollUntilEnd(consumer, Map.of(tp(0), 3L), Duration.ofSeconds(30));
        assertThat(resumed.get(tp(0))).extracting(ConsumerRecord::value).containsExactly("while-paused-0");
        consumer.close();
    }

    private void produce(int partition, String value) throws Exception {
        producer.send(new ProducerRecord<>(TOPIC, partition, null, value)).get(30, SECONDS);
    }

    private static TopicPartition tp(int partition) {
        return new TopicPartition(TOPIC, partition);
    }

    /** Partition index, fetch offset pairs. */
    private Map<TopicPartition, FetchRequest.PartitionData> at(Object... partitionsAndOffsets) {
        Map<TopicPartition, FetchRequest.PartitionData> data = new LinkedHashMap<>();
        for (int i = 0; i < partitionsAndOffsets.length; i += 2) {
            data.put(tp((Integer) partitionsAndOffsets[i]), new FetchRequest.PartitionData(topicId,
                    (Long) partitionsAndOffsets[i + 1], 0, 1024 * 1024, Optional.empty()));
        }
        return data;
    }

    private FetchRequest.Builder fetch(FetchMetadata metadata, Map<TopicPartition, FetchRequest.PartitionData> data,
                                       List<Integer> forget) {
        return fetch(metadata, data, forget, 10 * 1024 * 1024);
    }

    private FetchRequest.Builder fetch(FetchMetadata metadata, Map<TopicPartition, FetchRequest.PartitionData> data,
                                       List<Integer> forget, int maxBytes) {
        List<TopicIdPartition> removed = new ArrayList<>();
        for (int p : forget) {
            removed.add(new TopicIdPartition(topicId, tp(p)));
        }
        return FetchRequest.Builder.forConsumer(V18, 0, 1, data).metadata(metadata).removed(removed)
                .setMaxBytes(maxBytes);
    }

    private static Map<Integer, FetchResponseData.PartitionData> partitions(FetchResponse response) {
        Map<Integer, FetchResponseData.PartitionData> out = new TreeMap<>();
        for (FetchResponseData.FetchableTopicResponse topic : response.data().responses()) {
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                out.put(partition.partitionIndex(), partition);
            }
        }
        return out;
    }

    private static List<Integer> withRecords(FetchResponse response) {
        List<Integer> out = new ArrayList<>();
        for (FetchResponseData.FetchableTopicResponse topic : response.data().responses()) {
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                if (FetchResponse.recordsSize(partition) > 0) {
                    out.add(partition.partitionIndex());
                }
            }
        }
        return out;
    }
}
