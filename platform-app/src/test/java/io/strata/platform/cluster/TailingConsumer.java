package io.strata.platform.cluster;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A consumer on a thread of its own that reads every partition of a topic from the beginning and keeps
 * reading, recording the values per partition in the order read (so a duplicate or a gap shows). Assigned,
 * not subscribed: it needs no group coordinator, so it shows what fetch alone does.
 */
final class TailingConsumer implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final List<List<Integer>> read = new ArrayList<>();
    private final Queue<Exception> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong count = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopped;

    TailingConsumer(String bootstrapServers, String topic, int partitions) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> assignment = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        for (int p = 0; p < partitions; p++) {
            read.add(Collections.synchronizedList(new ArrayList<>()));
        }
        this.thread = new Thread(() -> run(assignment), "tailing-consumer");
    }

    void start() {
        thread.start();
    }

    private void run(List<TopicPartition> assignment) {
        try {
            consumer.assign(assignment);
            consumer.seekToBeginning(assignment);
            while (!stopped) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    read.get(r.partition()).add(Integer.parseInt(r.value()));
                    count.incrementAndGet();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failures.add(e);
        } finally {
            consumer.close();
        }
    }

    long count() {
        return count.get();
    }

    int count(int partition) {
        return read.get(partition).size();
    }

    List<Integer> read(int partition) {
        return List.copyOf(read.get(partition));
    }

    Queue<Exception> failures() {
        return failures;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        consumer.wakeup();
        thread.join();
    }
}
