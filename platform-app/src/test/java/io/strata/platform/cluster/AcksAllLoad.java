package io.strata.platform.cluster;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An idempotent acks=all producer on a thread of its own, writing to every partition in turn the values
 * 0, 1, 2, ... of that partition's own sequence, at about one record per millisecond so that the load lasts
 * through whatever the test does to the cluster (a burst would be acknowledged before anything happened).
 * Records what was acknowledged, per partition in acknowledgement order, and every send that failed for good
 * (the client retries retriable errors itself within the delivery timeout, so any failure here is one the
 * application would see).
 */
final class AcksAllLoad implements AutoCloseable {
    private final String topic;
    private final int partitions;
    private final KafkaProducer<String, String> producer;
    private final List<List<Integer>> acked = new ArrayList<>();
    private final Queue<Exception> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong ackCount = new AtomicLong();
    private final Thread thread;
    private volatile long stopAfter = Long.MAX_VALUE;

    AcksAllLoad(String bootstrapServers, String topic, int partitions) {
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
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100),
                new StringSerializer(), new StringSerializer());
        this.thread = new Thread(this::run, "acks-all-load");
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            for (long i = 0; i < stopAfter; i++) {
                int partition = (int) (i % partitions);
                int seq = (int) (i / partitions);
                producer.send(new ProducerRecord<>(topic, partition, null, Integer.toString(seq)), (md, e) -> {
                    if (e != null) {
                        failures.add(e);
                    } else {
                        acked.get(partition).add(seq);
                        ackCount.incrementAndGet();
                    }
                });
                if (i % 2 == 1) {
                    Thread.sleep(1);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    long ackCount() {
        return ackCount.get();
    }

    /** Sends no more than {@code atLeast} records in all (or as many as were sent already), waits for them. */
    void stopAfter(long atLeast) throws InterruptedException {
        stopAfter = atLeast;
        thread.join();
    }

    /** The values acknowledged on {@code partition}, in acknowledgement order (only once stopped). */
    List<Integer> acked(int partition) {
        return List.copyOf(acked.get(partition));
    }

    Queue<Exception> failures() {
        return failures;
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join();
        }
        producer.close();
    }
}
