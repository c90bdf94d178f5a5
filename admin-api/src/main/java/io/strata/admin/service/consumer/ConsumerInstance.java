package io.strata.admin.service.consumer;

import io.strata.admin.error.RestException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.springframework.http.HttpStatus;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A live v2 consumer instance: its {@link ConsumerInstanceDefinition} and the one kafka-clients consumer serving
 * it. The consumer is not thread-safe, so every call on it runs under this instance's lock, one request at a
 * time; a records request holds the lock at most for its own bounded poll.
 *
 * <p>Records polled beyond a request's {@code max_bytes} wait here for the next request. The instance tracks,
 * per partition, the offset after the last record it returned: a commit without offsets commits those, so a
 * record is committed only once a client has seen it. Buffered records of partitions that are revoked or
 * sought are dropped, since the consumer's position for them moves.
 */
public final class ConsumerInstance {
    /** Polls without waiting that one records request may add to what it already has. */
    private static final int MAX_DRAIN_POLLS = 20;
    private final Consumer<byte[], byte[]> consumer;
    private final ReentrantLock lock = new ReentrantLock();
    private final LongSupplier clock;
    private final Deque<ConsumerRecord<byte[], byte[]>> buffered = new ArrayDeque<>();
    private final Map<TopicPartition, Long> returnedPositions = new HashMap<>();
    /** Told of every subscription or assignment change, under the lock, so the directory keeps the latest. */
    private final java.util.function.Consumer<ConsumerInstanceDefinition> changed;
    private volatile ConsumerInstanceDefinition definition;
    private volatile long lastUsedNanos;
    /** Set by a delete that could not wait for the request in progress: that request closes the consumer. */
    private volatile boolean closeRequested;
    private boolean closed;

    ConsumerInstance(ConsumerInstanceDefinition definition, Consumer<byte[], byte[]> consumer, LongSupplier clock,
                     java.util.function.Consumer<ConsumerInstanceDefinition> changed) {
        this.definition = definition;
        this.consumer = consumer;
        this.clock = clock;
        this.changed = changed;
        this.lastUsedNanos = clock.getAsLong();
    }

    public ConsumerInstanceDefinition definition() {
        return definition;
    }

    public void subscribe(ConsumerInstanceDefinition.Subscription subscription) {
        call(c -> {
            subscribe(c, subscription);
            definition = definition.withSubscription(subscription);
            changed.accept(definition);
            return null;
        });
    }

    /**
     * Re-applies the definition's subscription or assignment to the fresh consumer of an instance recreated on
     * this node: the group's committed offsets then give the positions. Nobody is told: nothing changed.
     */
    void restore() {
        call(c -> {
            if (definition.subscription() != null) {
                subscribe(c, definition.subscription());
            } else if (definition.assignment() != null) {
                c.assign(definition.assignment());
            }
            return null;
        });
    }

    private void subscribe(Consumer<byte[], byte[]> c, ConsumerInstanceDefinition.Subscription subscription) {
        ConsumerRebalanceListener dropRevoked = new DropRevoked();
        if (subscription.topics() != null) {
            c.subscribe(subscription.topics(), dropRevoked);
        } else {
            c.subscribe(Pattern.compile(subscription.topicPattern()), dropRevoked);
        }
    }

    public void unsubscribe() {
        call(c -> {
            c.unsubscribe();
            buffered.clear();
            returnedPositions.clear();
            definition = definition.withSubscription(null);
            changed.accept(definition);
            return null;
        });
    }

    /** The subscribed topics: the list given, or those the pattern matched so far. */
    public Set<String> subscription() {
        return call(Consumer::subscription);
    }

    public void assign(Collection<TopicPartition> partitions) {
        call(c -> {
            c.assign(partitions);
            buffered.removeIf(r -> !partitions.contains(new TopicPartition(r.topic(), r.partition())));
            returnedPositions.keySet().retainAll(partitions);
            definition = definition.withAssignment(List.copyOf(partitions));
            changed.accept(definition);
            return null;
        });
    }

    public Set<TopicPartition> assignment() {
        return call(Consumer::assignment);
    }

    public void seek(Map<TopicPartition, OffsetAndMetadata> offsets) {
        call(c -> {
            offsets.forEach(c::seek);
            dropBuffered(offsets.keySet());
            return null;
        });
    }

    /** Seeks each partition to its first record at or after the timestamp, or to its end when there is none. */
    public void seekToTimestamps(Map<TopicPartition, Long> timestamps) {
        call(c -> {
            Map<TopicPartition, OffsetAndTimestamp> found =
                    c.offsetsForTimes(timestamps, definition.requestTimeout().plusSeconds(10));
            for (TopicPartition tp : timestamps.keySet()) {
                OffsetAndTimestamp offset = found.get(tp);
                if (offset == null) {
                    c.seekToEnd(List.of(tp));
                } else {
                    c.seek(tp, offset.offset());
                }
            }
            dropBuffered(timestamps.keySet());
            return null;
        });
    }

    public void seekToBeginning(Collection<TopicPartition> partitions) {
        call(c -> {
            c.seekToBeginning(partitions);
            dropBuffered(partitions);
            return null;
        });
    }

    public void seekToEnd(Collection<TopicPartition> partitions) {
        call(c -> {
            c.seekToEnd(partitions);
            dropBuffered(partitions);
            return null;
        });
    }

    /**
     * Records for one records request: buffered ones first, else those one poll of at most {@code timeout}
     * brings. At most {@code maxBytes} of keys and values, but always at least one record when there is one.
     * With auto commit, what is returned is committed (asynchronously) before the request answers.
     */
    public List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout, long maxBytes) {
        return call(c -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (buffered.isEmpty()) {
                long left = deadline - System.nanoTime();
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofNanos(Math.max(0, left)));
                records.forEach(buffered::add);
                if (left <= 0) {
                    break;
                }
            }
            drainFetched(c, maxBytes);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long bytes = 0;
            while (!buffered.isEmpty()) {
                ConsumerRecord<byte[], byte[]> next = buffered.peek();
                long size = size(next);
                if (!out.isEmpty() && bytes + size > maxBytes) {
                    break;
                }
                buffered.poll();
                out.add(next);
                bytes += size;
                returnedPositions.put(new TopicPartition(next.topic(), next.partition()), next.offset() + 1);
            }
            if (definition.autoCommit() && !out.isEmpty()) {
                c.commitAsync(toCommit(returnedPositions), null);
            }
            return out;
        });
    }

    /**
     * Adds what the consumer has already fetched to the buffer, up to {@code maxBytes}, so one response can carry
     * more than one poll's {@code max.poll.records} without waiting for the network.
     */
    private void drainFetched(Consumer<byte[], byte[]> c, long maxBytes) {
        if (buffered.isEmpty()) {
            return;
        }
        long bytes = 0;
        for (ConsumerRecord<byte[], byte[]> record : buffered) {
            bytes += size(record);
        }
        for (int polls = 0; polls < MAX_DRAIN_POLLS && bytes < maxBytes; polls++) {
            ConsumerRecords<byte[], byte[]> more = c.poll(Duration.ZERO);
            if (more.isEmpty()) {
                return;
            }
            for (ConsumerRecord<byte[], byte[]> record : more) {
                buffered.add(record);
                bytes += size(record);
            }
        }
    }

    private static long size(ConsumerRecord<byte[], byte[]> record) {
        return (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    }

    /** Commits the given offsets as they are, or, when null, the position after every record returned so far. */
    public void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        call(c -> {
            Map<TopicPartition, OffsetAndMetadata> commit = offsets != null ? offsets : toCommit(returnedPositions);
            if (!commit.isEmpty()) {
                c.commitSync(commit, definition.requestTimeout().plusSeconds(10));
            }
            return null;
        });
    }

    /** The group's committed offsets of these partitions; partitions without one are left out. */
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        return call(c -> {
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
            c.committed(partitions, definition.requestTimeout().plusSeconds(10)).forEach((tp, offset) -> {
                if (offset != null) {
                    committed.put(tp, offset);
                }
            });
            return committed;
        });
    }

    /** Idle for at least {@code timeout} and not in use: a request holding the lock keeps it alive. */
    boolean idleFor(Duration timeout) {
        return !lock.isLocked() && clock.getAsLong() - lastUsedNanos >= timeout.toNanos();
    }

    /**
     * Closes the consumer under the lock, after any request in progress (bounded by its own timeout); later
     * calls fail with 40403. {@code onlyIfIdle}: the reaper's variant, which gives up if the instance was used
     * meanwhile. Returns whether it closed the instance.
     */
    boolean close(Duration idleTimeout, boolean onlyIfIdle) {
        if (onlyIfIdle) {
            if (!lock.tryLock()) {
                return false;
            }
        } else if (!tryLock(definition.requestTimeout().plusSeconds(30))) {
            closeRequested = true;
            return false;
        }
        try {
            if (closed || (onlyIfIdle && clock.getAsLong() - lastUsedNanos < idleTimeout.toNanos())) {
                return false;
            }
            closed = true;
            consumer.close(Duration.ofSeconds(5));
            return true;
        } finally {
            lock.unlock();
        }
    }

    private <T> T call(Function<Consumer<byte[], byte[]>, T> action) {
        if (!tryLock(definition.requestTimeout().plusSeconds(30))) {
            throw new RestException(HttpStatus.INTERNAL_SERVER_ERROR, 50003,
                    "Consumer instance " + definition.name() + " is busy with another request; retry");
        }
        try {
            if (closed) {
                throw ConsumerInstanceRegistry.instanceNotFound(definition.group(), definition.name());
            }
            lastUsedNanos = clock.getAsLong();
            try {
                return action.apply(consumer);
            } catch (IllegalStateException e) {
                throw new RestException(HttpStatus.CONFLICT, 40903, "Illegal state: " + e.getMessage(), e);
            } finally {
                lastUsedNanos = clock.getAsLong();
            }
        } finally {
            try {
                if (closeRequested && !closed) {
                    closed = true;
                    consumer.close(Duration.ofSeconds(5));
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean tryLock(Duration wait) {
        try {
            return lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void dropBuffered(Collection<TopicPartition> partitions) {
        buffered.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
    }

    private static Map<TopicPartition, OffsetAndMetadata> toCommit(Map<TopicPartition, Long> positions) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        positions.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
        return commit;
    }

    /** Runs inside poll, on the thread holding the lock: forgets what belongs to partitions given away. */
    private final class DropRevoked implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            dropBuffered(partitions);
            partitions.forEach(returnedPositions::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }
}
