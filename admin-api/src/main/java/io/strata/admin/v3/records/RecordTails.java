package io.strata.admin.v3.records;

import io.strata.admin.error.RestException;
import io.strata.admin.service.HttpRecordMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live tails of partitions as Server-Sent Events: each tail owns one group-less consumer, polled on a thread of its
 * own from a bounded pool (a full pool answers 503), and sends one {@code record} event per record. Event ids let
 * a client resume with {@code Last-Event-ID}: {@code partition:offset} for a one-partition tail, and for a topic or
 * group tail an opaque token of the next offset of every partition. A comment every 15 s of silence finds clients
 * that went away; a tail ends when its client does or the platform stops.
 */
@Component
public class RecordTails implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(RecordTails.class);
    private static final int MAX_TAILS = 32;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final ThreadPoolExecutor pool;
    private final HttpRecordMetrics metrics;
    private volatile boolean stopping;

    public RecordTails(HttpRecordMetrics metrics) {
        this.metrics = metrics;
        AtomicInteger sequence = new AtomicInteger();
        pool = new ThreadPoolExecutor(0, MAX_TAILS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "strata-http-tail-" + sequence.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** How event ids are written: per record for one partition, or as a token of every partition's position. */
    public enum Ids { PARTITION_OFFSET, POSITION_TOKEN }

    /** Starts streaming what {@code consumer} reads (it is now this tail's, closed when the tail ends). */
    public SseEmitter start(Consumer<byte[], byte[]> consumer, RecordView view, Ids ids) {
        SseEmitter emitter = new SseEmitter(0L);
        try {
            pool.execute(() -> run(consumer, emitter, view, ids));
        } catch (RejectedExecutionException e) {
            consumer.close(Duration.ZERO);
            throw new RestException(HttpStatus.SERVICE_UNAVAILABLE, 503,
                    "Too many live tails are open (" + MAX_TAILS + "); try again later.");
        }
        return emitter;
    }

    private void run(Consumer<byte[], byte[]> consumer, SseEmitter emitter, RecordView view, Ids ids) {
        Map<TopicPartition, Long> positions = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        try {
            for (TopicPartition tp : consumer.assignment()) {
                positions.put(tp, consumer.position(tp));
            }
            long lastSent = System.nanoTime();
            emitter.send(SseEmitter.event().comment("tailing " + positions.keySet()));
            while (!stopping) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    positions.put(tp, record.offset() + 1);
                    String id = ids == Ids.PARTITION_OFFSET ? record.partition() + ":" + record.offset()
                            : token(positions);
                    emitter.send(SseEmitter.event().id(id).name("record").data(view.toData(record),
                            MediaType.APPLICATION_JSON));
                    lastSent = System.nanoTime();
                }
                metrics.consumed("v3", records.count());
                if (System.nanoTime() - lastSent > KEEP_ALIVE.toNanos()) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                    lastSent = System.nanoTime();
                }
            }
            emitter.complete();
        } catch (IOException | IllegalStateException gone) {
            log.debug("A record tail's client went away", gone);
        } catch (RuntimeException e) {
            log.warn("A record tail failed", e);
            emitter.completeWithError(e);
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    /** The opaque resume token of a topic or group tail: every partition's next offset. */
    static String token(Map<TopicPartition, Long> positions) {
        StringBuilder text = new StringBuilder();
        positions.forEach((tp, offset) -> text.append(text.isEmpty() ? "" : ",").append(tp.topic()).append('/')
                .append(tp.partition()).append(':').append(offset));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The positions a token stands for; 400 when it is not one this server wrote. */
    static Map<TopicPartition, Long> parseToken(String token) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            for (String entry : text.split(",")) {
                int slash = entry.lastIndexOf('/');
                int colon = entry.lastIndexOf(':');
                positions.put(new TopicPartition(entry.substring(0, slash),
                        Integer.parseInt(entry.substring(slash + 1, colon))), Long.parseLong(entry.substring(colon + 1)));
            }
        } catch (RuntimeException e) {
            throw new RestException(HttpStatus.BAD_REQUEST, 400, "Last-Event-ID " + token + " is not a position token");
        }
        return positions;
    }

    @Override
    public void destroy() throws InterruptedException {
        stopping = true;
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }
}
