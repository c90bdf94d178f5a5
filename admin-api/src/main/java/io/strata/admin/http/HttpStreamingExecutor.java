package io.strata.admin.http;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that write streamed responses (delivery reports, server-sent events) as their results complete, so
 * neither the producer's network thread nor a request thread waiting for input writes to a slow client. Owned
 * here: created with the application context and shut down with it, never interrupted.
 */
@Component
public class HttpStreamingExecutor implements Executor, DisposableBean {
    private final ExecutorService pool;

    public HttpStreamingExecutor() {
        AtomicInteger sequence = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "strata-http-stream-" + sequence.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    @Override
    public void destroy() throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
