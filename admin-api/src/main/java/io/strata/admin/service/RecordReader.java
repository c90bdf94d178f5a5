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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Stateless reads of records at an offset or a time, without a consumer group: the console's message browser and
 * the SSE tails use it. Group-less consumers are pooled (creating one costs a metadata round trip) as cursors that
 * remember where they stopped (see {@link #borrow}); each is used by one caller at a time and returned, or closed
 * when the pool is full.
 */
@Service
public class RecordReader implements DisposableBean {
    private static final int IDLE_CONSUMERS = 4;

    private final KafkaGateway gateway;
    /** Idle cursors, the most recently used first; each is used by one read at a time. */
    private final Deque<Cursor> idle = new ConcurrentLinkedDeque<>();

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
        Cursor cursor = borrow(tp, start);
        Consumer<byte[], byte[]> consumer = cursor.consumer();
        Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>(cursor.pending());
        boolean healthy = false;
        try {
            List<TopicPartition> one = List.of(tp);
            if (!cursor.isAt(tp)) {
                consumer.assign(one);
            }
            long beginning = consumer.beginningOffsets(one, gateway.requestTimeout()).get(tp);
            long end = consumer.endOffsets(one, gateway.requestTimeout()).get(tp);
            long position = Math.max(beginning, Math.min(end, resolve(consumer, tp, start, beginning, end)));
            // A cursor's records start at its next offset, which is at or above the log start here.
            if (!cursor.isAt(tp) || cursor.next() != position) {
                pending.clear();
                consumer.seek(tp, position);
            }
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long next = position;
            long bytes = 0;
            long deadline = System.nanoTime() + maxWait.toNanos();
            while (records.size() < limit && next < end && bytes < maxBytes) {
                if (pending.isEmpty()) {
                    if (System.nanoTime() >= deadline) {
                        break;
                    }
                    pending.addAll(consumer.poll(Duration.ofMillis(100)).records(tp));
                    continue;
                }
                ConsumerRecord<byte[], byte[]> record = pending.pollFirst();
                records.add(record);
                bytes += size(record);
                next = record.offset() + 1;
            }
            healthy = true;
            giveBack(new Cursor(consumer, tp, next, List.copyOf(pending)));
            return new Page(records, beginning, end, next);
        } finally {
            if (!healthy) {
                consumer.close(Duration.ZERO);
            }
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

    /**
     * An idle consumer that last read {@code tp} up to {@code next}, with the records it polled beyond the page it
     * answered ({@code pending}, starting at {@code next}). {@code tp} is null for a new consumer.
     */
    private record Cursor(Consumer<byte[], byte[]> consumer, TopicPartition tp, long next,
                          List<ConsumerRecord<byte[], byte[]>> pending) {
        boolean isAt(TopicPartition partition) {
            return partition.equals(tp);
        }
    }

    /**
     * The idle cursor that stopped exactly where this read starts, so a reader paging through a partition gets
     * the records its previous page's poll fetched beyond that page and the fetch already under way, instead of a
     * seek that discards both (a 4 MiB fetch for a page of 1000 records of 1 KiB); else any idle consumer, or a
     * new one.
     */
    private Cursor borrow(TopicPartition tp, Start start) {
        if (start instanceof Start.AtOffset at) {
            for (Cursor cursor : idle) {
                if (cursor.isAt(tp) && cursor.next() == at.offset() && idle.removeFirstOccurrence(cursor)) {
                    return cursor;
                }
            }
        }
        Cursor cursor = idle.pollLast();
        if (cursor != null) {
            return cursor;
        }
        return new Cursor(gateway.newConsumer("strata-http-reader", Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                // One poll can fill a page of up to 10000 records (the read limit) of up to 4 MiB by default.
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024))), null, -1, List.of());
    }

    /** Keeps the cursor for the next read (the most recent first), closing the least recent beyond the pool. */
    private void giveBack(Cursor cursor) {
        idle.addFirst(cursor);
        while (idle.size() > IDLE_CONSUMERS) {
            Cursor oldest = idle.pollLast();
            if (oldest == null) {
                break;
            }
            oldest.consumer().close(Duration.ZERO);
        }
    }

    @Override
    public void destroy() {
        Collection<Cursor> all = new ArrayList<>(idle);
        idle.clear();
        all.forEach(c -> c.consumer().close(Duration.ZERO));
    }

    /** For positions: each partition of {@code partitions} at {@code start}. */
    public static Map<TopicPartition, Start> all(List<TopicPartition> partitions, Start start) {
        Map<TopicPartition, Start> positions = new HashMap<>();
        partitions.forEach(tp -> positions.put(tp, start));
        return positions;
    }
}
