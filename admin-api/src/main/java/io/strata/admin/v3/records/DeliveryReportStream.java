package io.strata.admin.v3.records;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes the delivery reports of a streaming produce in the order their records arrived, each as soon as it and
 * every report before it are complete, one JSON object per line. The request thread pushes reports while it reads
 * records; the writing happens on the streaming executor, so a client that waits for a report before sending its
 * next record is answered. At most {@code window} reports wait to be written: beyond that the reader waits, which
 * stops reading the request and so pushes back on the client.
 *
 * <p>Threads: {@link #push} and {@link #finish} on the request thread; {@code drain} on one executor thread at a
 * time (the {@code draining} flag), which alone touches the output stream.
 */
final class DeliveryReportStream {
    private static final Logger log = LoggerFactory.getLogger(DeliveryReportStream.class);
    private static final int FLUSH_EVERY = 256;

    private final OutputStream out;
    /** Writes the reports one after another into {@code out}, each followed by a newline; no separator between. */
    private final ObjectWriter writer;
    private JsonGenerator generator;
    private final Executor executor;
    private final Semaphore window;
    private final Queue<CompletableFuture<?>> reports = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final CompletableFuture<Void> written = new CompletableFuture<>();
    private volatile boolean inputDone;
    private volatile boolean broken;
    private int unflushed;

    DeliveryReportStream(OutputStream out, JsonMapper json, Executor executor, int window) {
        this.out = out;
        // Not flushed after each report: that made every report a chunk and a write to the socket of its own.
        this.writer = json.writer().withRootValueSeparator("")
                .without(tools.jackson.databind.SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        this.executor = executor;
        this.window = new Semaphore(window);
    }

    /** Queues the next report; waits while the window is full. The future must never fail. */
    void push(CompletableFuture<?> report) throws InterruptedException {
        while (!broken && !window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            // The client is not reading its reports; keep checking whether it went away.
        }
        if (broken) {
            return;
        }
        reports.add(report);
        report.whenComplete((result, error) -> scheduleDrain());
    }

    /** Whether the client has gone (a write failed): stop reading its records. */
    boolean broken() {
        return broken;
    }

    /** No more reports will come: waits until all pushed ones are written (or the client has gone). */
    void finish() throws InterruptedException {
        inputDone = true;
        scheduleDrain();
        try {
            written.get();
        } catch (java.util.concurrent.ExecutionException e) {
            log.debug("Streaming produce ended early", e.getCause());
        }
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (true) {
                CompletableFuture<?> head = reports.peek();
                if (head != null && head.isDone()) {
                    reports.poll();
                    write(head.join());
                    window.release();
                    continue;
                }
                flush();
                draining.set(false);
                // Re-check after clearing the flag: a report or the end may have come meanwhile.
                CompletableFuture<?> next = reports.peek();
                if (next == null && inputDone) {
                    written.complete(null);
                    return;
                }
                if (next == null || !next.isDone() || !draining.compareAndSet(false, true)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            broken = true;
            window.release(Integer.MAX_VALUE / 2);
            draining.set(false);
            written.completeExceptionally(e);
        }
    }

    private void write(Object report) throws IOException {
        if (broken) {
            return;
        }
        if (generator == null) {
            generator = writer.createGenerator(out);
        }
        writer.writeValue(generator, report);
        generator.writeRaw('\n');
        if (++unflushed >= FLUSH_EVERY) {
            flush();
        }
    }

    /** Flushes the generator's buffer into {@code out} and {@code out} to the client. */
    private void flush() throws IOException {
        if (unflushed > 0 && !broken) {
            generator.flush();
            out.flush();
            unflushed = 0;
        }
    }
}
