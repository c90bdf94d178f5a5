package io.strata.engine.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/** Delayed (long-poll) fetches and small fetch size limits, seen from a real consumer. */
class LongPollFetchTest {
    @TempDir
    Path dataDir;

    private BrokerFixture fixture;
    private final ExecutorService pollThread = Executors.newSingleThreadExecutor();

    @BeforeEach
    void startBroker() {
        fixture = BrokerFixture.start(dataDir);
    }

    @AfterEach
    void stopBroker() {
        pollThread.shutdownNow();
        fixture.close();
    }

    @Test
    void pollWaitingOnAnEmptyPartitionReturnsTheRecordProducedMeanwhile() throws Exception {
        assertWaitingPollReceivesProducedRecord("long-poll", 2_000);
    }

    /**
     * The fetch waits up to 25 s but the poll only 10 s: the record can only arrive in this poll if the
     * produce completes the parked fetch (or a fetch sent after the produce returns it).
     */
    @Test
    void produceCompletesAParkedFetchBeforeItsMaxWait() throws Exception {
        assertWaitingPollReceivesProducedRecord("parked-fetch", 25_000);
    }

    @Test
    void fetchMinBytesNotReachedStillReturnsDataWhenMaxWaitExpires() throws Exception {
        String topic = "min-bytes";
        TopicPartition tp = new TopicPartition(topic, 0);
        fixture.createTopic(fixture.admin(), topic, 1, Map.of());
        fixture.producer(Map.of()).send(new ProducerRecord<>(topic, "tiny")).get(30, SECONDS);

        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1_000_000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 300));
        consumer.assign(List.of(tp));
        consumer.seek(tp, 0);
        List<ConsumerRecord<String, String>> records =
                BrokerFixture.pollUntilEnd(consumer, Map.of(tp, 1L), Duration.ofSeconds(20)).get(tp);
        assertThat(records).extracting(ConsumerRecord::value).containsExactly("tiny");
    }

    @Test
    void smallFetchLimitsStillDeliverEveryRecordIncludingOversizedOnes() throws Exception {
        String topic = "small-fetch";
        fixture.createTopic(fixture.admin(), topic, 2, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20));
        Map<Integer, List<String>> expected = new TreeMap<>();
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            int partition = i % 2;
            // Every 97th record is 20 KiB, far above max.partition.fetch.bytes; the others form batches of
            // several KiB, each also above the limit (KIP-74: the first batch is returned anyway).
            String value = i % 97 == 0 ? "big-" + i + "-" + "B".repeat(20_480) : "small-" + i + "-" + "s".repeat(300);
            expected.computeIfAbsent(partition, p -> new ArrayList<>()).add(value);
            futures.add(producer.send(new ProducerRecord<>(topic, partition, null, value)));
        }
        for (Future<RecordMetadata> future : futures) {
            future.get(30, SECONDS);
        }

        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1500));
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = Map.of(partitions.get(0), 300L, partitions.get(1), 300L);
        Map<TopicPartition, List<ConsumerRecord<String, String>>> received =
                BrokerFixture.pollUntilEnd(consumer, ends, Duration.ofSeconds(60));
        for (TopicPartition tp : partitions) {
            assertThat(received.get(tp)).extracting(ConsumerRecord::value)
                    .as("values of %s", tp).containsExactlyElementsOf(expected.get(tp.partition()));
        }
    }

    private void assertWaitingPollReceivesProducedRecord(String topic, int fetchMaxWaitMs) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        fixture.createTopic(fixture.admin(), topic, 1, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        producer.partitionsFor(topic); // metadata is ready, so the send below is not delayed by it

        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of(
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchMaxWaitMs,
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, fetchMaxWaitMs + 30_000));
        consumer.assign(List.of(tp));
        consumer.seek(tp, 0);
        // From here on only the poll thread touches the consumer.
        Future<ConsumerRecords<String, String>> poll = pollThread.submit(() -> consumer.poll(Duration.ofSeconds(10)));

        Thread.sleep(300);
        assertThat(poll).as("poll is still waiting on the empty partition").isNotDone();
        producer.send(new ProducerRecord<>(topic, "key", "wake-up")).get(30, SECONDS);

        ConsumerRecords<String, String> records = poll.get(30, SECONDS);
        assertThat(records.records(tp)).extracting(ConsumerRecord::offset, ConsumerRecord::key, ConsumerRecord::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, "key", "wake-up"));
    }
}
