package io.strata.platform.cluster;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An idempotent acks=all producer writing to every partition of a topic from its own thread until closed,
 * each partition's values 0, 1, 2, ... in order. What counts is what the broker acknowledged: each
 * callback without error records its value as acked, so a test can check exactly those against what is
 * read back. The rate is modest (by default about a thousand records a second) so that two cores also have
 * time to replicate, fail over and restart brokers.
 */
final class ContinuousProducer implements AutoCloseable {
    private static final int DEFAULT_BURST = 10;
    private static final long PAUSE_MS = 10;

    private final int burst;
    private final String topic;
    private final int partitions;
    private final KafkaProducer<String, String> producer;
    private final List<List<Integer>> acked = new ArrayList<>();
    private final ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong ackCount = new AtomicLong();
    private final Thread sender;
    private volatile boolean running = true;

    ContinuousProducer(String bootstrapServers, String topic, int partitions) {
        this(bootstrapServers, topic, partitions, DEFAULT_BURST);
    }

    /** @param burst records sent every 10 ms (the rate is at most a hundred times that per second) */
    ContinuousProducer(String bootstrapServers, String topic, int partitions, int burst) {
        this.burst = burst;
        this.topic = topic;
        this.partitions = partitions;
        for (int p = 0; p < partitions; p++) {
            acked.add(Collections.synchronizedList(new ArrayList<>()));
        }
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500),
                new StringSerializer(), new StringSerializer());
        this.sender = new Thread(this::sendUntilClosed, "continuous-producer-" + topic);
        sender.setDaemon(true);
        sender.start();
    }

    private void sendUntilClosed() {
        int[] next = new int[partitions];
        try {
            while (running) {
                for (int i = 0; i < burst; i++) {
                    int partition = i % partitions;
                    int value = next[partition]++;
                    producer.send(new ProducerRecord<>(topic, partition, null, Integer.toString(value)), (md, e) -> {
                        if (e != null) {
                            failures.add(e);
                        } else {
                            acked.get(partition).add(value);
                            ackCount.incrementAndGet();
                        }
                    });
                }
                Thread.sleep(PAUSE_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    /** Records acknowledged so far, over all partitions. */
    long ackCount() {
        return ackCount.get();
    }

    /** Stops sending and waits until every record sent has been acknowledged or has failed. */
    void stopAndFlush() throws InterruptedException {
        running = false;
        sender.join(Duration.ofSeconds(30).toMillis());
        producer.flush();
    }

    /** The values acknowledged for {@code partition}, in acknowledgement order. */
    List<Integer> acked(int partition) {
        synchronized (acked.get(partition)) {
            return List.copyOf(acked.get(partition));
        }
    }

    /**
     * With no send failed, every record sent was acknowledged; each partition then holds exactly the values
     * acknowledged for it, 0..n-1 in order: none lost, none duplicated, none written that was not acked.
     * {@code readBack} gives a partition's values as a consumer reads them. Call once stopped.
     */
    void assertEveryAckedRecordReadBackOnceInOrder(IntFunction<List<Integer>> readBack) {
        assertThat(failures()).as("failed sends").isEmpty();
        for (int p = 0; p < partitions; p++) {
            List<Integer> values = acked(p);
            assertThat(values).as("acked values of %s-%d", topic, p)
                    .containsExactlyElementsOf(IntStream.range(0, values.size()).boxed().toList());
            assertThat(readBack.apply(p)).as("values read back from %s-%d", topic, p).containsExactlyElementsOf(values);
        }
    }

    List<Exception> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sender.join(Duration.ofSeconds(30).toMillis());
        producer.close(Duration.ofSeconds(10));
    }
}
