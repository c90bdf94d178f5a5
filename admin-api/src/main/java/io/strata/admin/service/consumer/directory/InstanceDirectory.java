package io.strata.admin.service.consumer.directory;

import io.strata.admin.gateway.KafkaGateway;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The v2 consumer instance directory: the compacted one-partition topic {@value #TOPIC}, written through the
 * gateway's shared producer (acks=all, idempotent) and tailed from its beginning by one reader thread into an
 * in-memory map, the same on every node since all read the same log in the same order.
 *
 * <p>The reader starts on first use (creating the topic if no node did yet) and stops with the application
 * context, woken from its poll rather than interrupted. A writer that must act on what it wrote waits until
 * the reader has read past it ({@link #awaitRead}); a node that finds nothing where it expects something
 * first reads up to the log's current end ({@link #sync}).
 */
@Component
public class InstanceDirectory {
    public static final String TOPIC = "__strata_http_consumers";
    private static final Logger log = LoggerFactory.getLogger(InstanceDirectory.class);
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaGateway gateway;
    private final Map<InstanceKey, DirectoryEntry> entries = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    /** Guarded by {@link #progress}: the offset of the next record the reader will read, -1 before it began. */
    private long nextOffset = -1;
    /** Guarded by {@link #progress}: the log's end when the reader began; caught up once read past it. */
    private long initialEnd = Long.MAX_VALUE;
    private volatile BiConsumer<InstanceKey, DirectoryEntry> listener = (key, entry) -> { };
    private volatile Thread reader;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean closed;

    public InstanceDirectory(KafkaGateway gateway) {
        this.gateway = gateway;
    }

    /** Told, on the reader thread, of every record that changes an entry (null: deleted). Must not block. */
    public void listener(BiConsumer<InstanceKey, DirectoryEntry> newListener) {
        this.listener = newListener;
    }

    /** The entry as read so far; null when there is none. Waits for the reader's first catch-up. */
    public DirectoryEntry get(InstanceKey key) {
        awaitCaughtUp();
        return entries.get(key);
    }

    /** The entry after reading the log up to its current end: for decisions a lagging view could get wrong. */
    public DirectoryEntry getSynced(InstanceKey key) {
        sync();
        return entries.get(key);
    }

    /** Writes the entry (null: a tombstone) and answers its offset once the cluster has it. */
    public long write(InstanceKey key, DirectoryEntry entry) {
        return await(writeAsync(key, entry)).offset();
    }

    /** Writes the entry (null: a tombstone) without waiting. */
    public CompletableFuture<RecordMetadata> writeAsync(InstanceKey key, DirectoryEntry entry) {
        awaitCaughtUp();
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        gateway.producer().send(new ProducerRecord<>(TOPIC, 0, DirectoryCodec.key(key),
                entry == null ? null : DirectoryCodec.value(entry)), (metadata, e) -> {
            if (e != null) {
                written.completeExceptionally(e);
            } else {
                written.complete(metadata);
            }
        });
        return written;
    }

    /** Waits until the reader has read the record at {@code offset}. */
    public void awaitRead(long offset) {
        awaitProgress(offset + 1, "read the directory up to offset " + offset);
    }

    /** Reads the log up to the end it has now. */
    public void sync() {
        awaitCaughtUp();
        Map<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo> ends =
                gateway.await(gateway.admin().listOffsets(Map.of(PARTITION, OffsetSpec.latest())).all());
        awaitProgress(ends.get(PARTITION).offset(), "read the directory up to its end");
    }

    private void awaitCaughtUp() {
        start();
        synchronized (progress) {
            awaitProgressLocked(() -> initialEnd, "read the directory at start");
        }
    }

    private void awaitProgress(long target, String what) {
        synchronized (progress) {
            awaitProgressLocked(() -> target, what);
        }
    }

    private void awaitProgressLocked(java.util.function.LongSupplier target, String what) {
        long deadline = System.nanoTime() + gateway.requestTimeout().toNanos();
        while (nextOffset < 0 || nextOffset < target.getAsLong()) {
            long left = deadline - System.nanoTime();
            if (closed || left <= 0) {
                throw new TimeoutException("Could not " + what + " of the HTTP consumer instances in time");
            }
            try {
                progress.wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new org.apache.kafka.common.errors.InterruptException(e);
            }
        }
    }

    private synchronized void start() {
        if (reader == null && !closed) {
            Thread thread = new Thread(this::run, "strata-http-consumer-directory");
            thread.setDaemon(true);
            reader = thread;
            thread.start();
        }
    }

    private void run() {
        try {
            ensureTopic();
            Consumer<byte[], byte[]> c = gateway.newConsumer("strata-http-directory", Map.of(
                    ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
            consumer = c;
            try {
                c.assign(List.of(PARTITION));
                c.seekToBeginning(List.of(PARTITION));
                long end = c.endOffsets(List.of(PARTITION), gateway.requestTimeout()).get(PARTITION);
                synchronized (progress) {
                    initialEnd = end;
                }
                while (!closed) {
                    tail(c);
                }
            } finally {
                c.close(Duration.ofSeconds(5));
            }
        } catch (WakeupException e) {
            if (!closed) {
                log.error("The HTTP consumer instance directory reader was woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("The HTTP consumer instance directory reader stopped", e);
        }
    }

    private void tail(Consumer<byte[], byte[]> c) {
        try {
            for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
                apply(record);
            }
            long position = c.position(PARTITION, gateway.requestTimeout());
            synchronized (progress) {
                nextOffset = position;
                progress.notifyAll();
            }
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("Reading the HTTP consumer instance directory failed; retrying: {}", e.toString());
            pause();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        InstanceKey key;
        DirectoryEntry entry;
        try {
            key = DirectoryCodec.key(record.key());
            entry = record.value() == null ? null : DirectoryCodec.value(record.value());
        } catch (IllegalArgumentException e) {
            log.warn("Skipping unreadable record at offset {} of {}: {}", record.offset(), TOPIC, e.getMessage());
            return;
        }
        if (entry == null) {
            if (entries.remove(key) != null) {
                tell(key, null);
            }
            return;
        }
        DirectoryEntry current = entries.get(key);
        if (entry.supersedes(current)) {
            entries.put(key, entry);
            tell(key, entry);
        }
    }

    /** A failing listener must not stop the reader, which every node's view depends on. */
    private void tell(InstanceKey key, DirectoryEntry entry) {
        try {
            listener.accept(key, entry);
        } catch (RuntimeException e) {
            log.warn("Handling the directory change of instance {} failed", key.name(), e);
        }
    }

    /** Creates the topic unless a node did: compacted, one partition, replicated on up to 3 brokers. */
    private void ensureTopic() {
        while (!closed) {
            try {
                int brokers = gateway.await(gateway.admin().describeCluster().nodes()).size();
                NewTopic topic = new NewTopic(TOPIC, 1, (short) Math.max(1, Math.min(3, brokers)))
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                gateway.await(gateway.admin().createTopics(List.of(topic)).all());
                log.info("Created the HTTP consumer instance directory {}", TOPIC);
                return;
            } catch (TopicExistsException e) {
                return;
            } catch (KafkaException | IllegalStateException e) {
                log.warn("Could not create the HTTP consumer instance directory {} yet: {}", TOPIC, e.toString());
                pause();
            }
        }
    }

    private void pause() {
        synchronized (progress) {
            try {
                if (!closed) {
                    progress.wait(1_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RecordMetadata await(CompletableFuture<RecordMetadata> future) {
        try {
            return future.get(gateway.requestTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw KafkaGateway.unwrap(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("The directory write was not acknowledged in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }

    @PreDestroy
    public void close() {
        Thread thread;
        synchronized (this) {
            closed = true;
            thread = reader;
        }
        synchronized (progress) {
            progress.notifyAll();
        }
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
