package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Stateless reads of records at an offset or a time, without a consumer group: the console's message browser and
 * the SSE tails use it. Group-less consumers are pooled (creating one costs a metadata round trip); each is used
 * by one caller at a time and returned, or closed when the pool is full.
 */
@Service
public class RecordReader implements DisposableBean {
    private static final int IDLE_CONSUMERS = 4;

    private final KafkaGateway gateway;
    private final Deque<Consumer<byte[], byte[]>> idle = new ConcurrentLinkedDeque<>();

    public RecordReader(KafkaGateway gateway) {
        this.gateway = gateway;
    }

    /** Where a read starts: an offset, the first record at or after a time, or the log's start or end. */
    public sealed interface Start {
        record AtOffset(long offset) implements Start { }
        record AtTime(long epochMillis) implements Start { }
        record Earliest() implements Start { }
        record Latest() implements Start { }
    }

    /** A page read: the records, the partition's offsets at the time, and where the next page starts. */
    public record Page(List<ConsumerRecord<byte[], byte[]>> records, long beginningOffset, long endOffset,
                       long nextOffset) {
    }

    /**
     * Up to {@code limit} records of one partition from {@code start} (clamped to the partition's offsets), up to
     * at most {@code maxBytes} of keys and values, waiting at most {@code maxWait} for records that are below the
     * end offset seen at the start.
     */
    public Page read(String topic, int partition, Start start, int limit, long maxBytes, Duration maxWait) {
        TopicPartition tp = new TopicPartition(topic, partition);
        Consumer<byte[], byte[]> consumer = borrow();
        boolean healthy = false;
        try {
            List<TopicPartition> one = List.of(tp);
            consumer.assign(one);
            long beginning = consumer.beginningOffsets(one, gateway.requestTimeout()).get(tp);
            long end = consumer.endOffsets(one, gateway.requestTimeout()).get(tp);
            long position = Math.max(beginning, Math.min(end, resolve(consumer, tp, start, beginning, end)));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long next = position;
            if (position < end && limit > 0) {
                consumer.seek(tp, position);
                long bytes = 0;
                long deadline = System.nanoTime() + maxWait.toNanos();
                while (records.size() < limit && next < end && bytes < maxBytes && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100)).records(tp)) {
                        if (records.size() >= limit || bytes >= maxBytes) {
                            break;
                        }
                        records.add(record);
                        bytes += size(record);
                        next = record.offset() + 1;
                    }
                }
            }
            healthy = true;
            return new Page(records, beginning, end, next);
        } finally {
            giveBack(consumer, healthy);
        }
    }

    /** A group-less consumer assigned to {@code positions}, each seeked; the caller owns and closes it. */
    public Consumer<byte[], byte[]> tail(Map<TopicPartition, Start> positions) {
        Consumer<byte[], byte[]> consumer = gateway.newConsumer("strata-http-tail", Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"));
        try {
            consumer.assign(positions.keySet());
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(positions.keySet(), gateway.requestTimeout());
            Map<TopicPartition, Long> end = consumer.endOffsets(positions.keySet(), gateway.requestTimeout());
            for (Map.Entry<TopicPartition, Start> entry : positions.entrySet()) {
                TopicPartition tp = entry.getKey();
                long offset = resolve(consumer, tp, entry.getValue(), beginning.get(tp), end.get(tp));
                consumer.seek(tp, Math.max(beginning.get(tp), Math.min(end.get(tp), offset)));
            }
            return consumer;
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /** The committed offsets of {@code group} (only partitions it has committed); 404 (40405) for no such group. */
    public Map<TopicPartition, Long> committedOffsets(String group) {
        var offsets = gateway.await(gateway.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((tp, offset) -> {
            if (offset != null) {
                committed.put(tp, offset.offset());
            }
        });
        if (committed.isEmpty()) {
            throw new RestException(HttpStatus.NOT_FOUND, 40405, "Consumer group " + group
                    + " has no committed offsets to tail from.");
        }
        return committed;
    }

    private long resolve(Consumer<byte[], byte[]> consumer, TopicPartition tp, Start start, long beginning, long end) {
        if (start instanceof Start.AtOffset at) {
            return at.offset();
        }
        if (start instanceof Start.AtTime at) {
            OffsetAndTimestamp hit = consumer.offsetsForTimes(Map.of(tp, at.epochMillis()), gateway.requestTimeout())
                    .get(tp);
            return hit == null ? end : hit.offset();
        }
        return start instanceof Start.Earliest ? beginning : end;
    }

    private static long size(ConsumerRecord<byte[], byte[]> record) {
        return (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    }

    private Consumer<byte[], byte[]> borrow() {
        Consumer<byte[], byte[]> consumer = idle.pollFirst();
        return consumer != null ? consumer : gateway.newConsumer("strata-http-reader", Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                // One poll can fill a page of up to 10000 records (the read limit) of up to 4 MiB by default.
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024)));
    }

    private void giveBack(Consumer<byte[], byte[]> consumer, boolean healthy) {
        if (healthy) {
            consumer.unsubscribe();
            if (idle.size() < IDLE_CONSUMERS) {
                idle.addFirst(consumer);
                return;
            }
        }
        consumer.close(Duration.ZERO);
    }

    @Override
    public void destroy() {
        Collection<Consumer<byte[], byte[]>> all = new ArrayList<>(idle);
        idle.clear();
        all.forEach(c -> c.close(Duration.ZERO));
    }

    /** For positions: each partition of {@code partitions} at {@code start}. */
    public static Map<TopicPartition, Start> all(List<TopicPartition> partitions, Start start) {
        Map<TopicPartition, Start> positions = new HashMap<>();
        partitions.forEach(tp -> positions.put(tp, start));
        return positions;
    }
}
