package io.strata.engine.log.cleaner;

import io.micrometer.core.instrument.MeterRegistry;
import io.strata.engine.config.LogManagerConfig;
import io.strata.engine.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The log cleaner: {@code log.cleaner.threads} loops on the broker's cleaner pool, each picking the filthiest
 * compacted log ({@link CleanerManager}) and cleaning it ({@link Cleaner}), or sleeping
 * {@code log.cleaner.backoff.ms} when none is cleanable. Each thread has its own offset map of
 * {@code log.cleaner.dedupe.buffer.size / threads} bytes, allocated at its first clean, and half of its share of
 * {@code log.cleaner.io.buffer.size} for reads and half for writes; I/O of all threads together is throttled to
 * {@code log.cleaner.io.max.bytes.per.second}.
 *
 * <p>Threading: {@link #start} and {@link #stop} are called by the broker's lifecycle thread. Stopping never
 * interrupts (a cleaner may be inside FileChannel.force): it sets a flag that a clean checks between chunks of
 * batches and between segment groups, wakes sleeping threads, and waits for the loops to end. The pool belongs
 * to the broker's executors, which shut it down afterwards.
 */
public final class LogCleaner {
    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);
    private static final long STOP_WAIT_MS = 30_000;
    /** Kafka caps each thread's map below 2 GiB. */
    private static final long MAX_MAP_BYTES = Integer.MAX_VALUE - 64;

    private final LogManagerConfig config;
    private final Supplier<Collection<PartitionLog>> logs;
    private final ExecutorService pool;
    private final Time time;
    private final CleanerManager manager;
    private final CleanerMetrics metrics;
    private final Throttler throttler;
    private final Object sleep = new Object();
    private volatile boolean stopped;
    private volatile CleanerCrashHook crashHook = CleanerCrashHook.NONE;
    private volatile TransactionCleaningHook transactions = TransactionCleaningHook.KEEP_ALL;
    private CountDownLatch running = new CountDownLatch(0);

    public LogCleaner(LogManagerConfig config, Supplier<Collection<PartitionLog>> logs, ExecutorService pool, Time time,
                      MeterRegistry registry) {
        this.config = config;
        this.logs = logs;
        this.pool = pool;
        this.time = time;
        this.manager = new CleanerManager(time);
        this.metrics = new CleanerMetrics(registry, time, manager::maxDirtyRatio);
        this.throttler = new Throttler(config.cleanerIoMaxBytesPerSecond(), time);
    }

    /** Starts the cleaner threads, unless {@code log.cleaner.enable} is false or there are none. */
    public synchronized void start() {
        if (!config.cleanerEnable() || config.cleanerThreads() == 0) {
            log.info("Log cleaner disabled: compacted topics are not cleaned");
            return;
        }
        int threads = config.cleanerThreads();
        running = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            pool.execute(this::loop);
        }
        log.info("Log cleaner started: {} thread(s), {} bytes of offset map each", threads, mapBytes());
    }

    /** Stops the threads at their next batch boundary and waits for them (not interrupting). */
    public void stop() {
        stopped = true;
        synchronized (sleep) {
            sleep.notifyAll();
        }
        try {
            CountDownLatch latch;
            synchronized (this) {
                latch = running;
            }
            if (!latch.await(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                log.warn("Log cleaner threads still busy {} ms after stop; left to finish on their own", STOP_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Test hook: called at the crash-sensitive points of each clean. */
    public void setCrashHook(CleanerCrashHook hook) {
        this.crashHook = hook == null ? CleanerCrashHook.NONE : hook;
    }

    /** The transactions issue plugs its aborted-data rules in here. */
    public void setTransactionCleaningHook(TransactionCleaningHook hook) {
        this.transactions = hook;
    }

    /** Aborts a clean in progress of {@code tp} (waiting for it to stop) and pauses cleaning it until {@link #resume}. */
    public void abortAndPause(TopicPartition tp) throws InterruptedException {
        manager.abortAndPause(tp);
    }

    public void resume(TopicPartition tp) {
        manager.resume(tp);
    }

    private int mapBytes() {
        return (int) Math.min(MAX_MAP_BYTES, config.cleanerDedupeBufferSize() / Math.max(1, config.cleanerThreads()));
    }

    private void loop() {
        Cleaner cleaner = null;
        try {
            while (!stopped) {
                metrics.ran();
                Optional<CleanableLog> next = manager.grabFilthiestLog(logs.get());
                if (next.isEmpty()) {
                    backoff();
                    continue;
                }
                if (cleaner == null) { // allocated lazily: no map for a broker that never cleans
                    int ioShare = Math.max(1024, config.cleanerIoBufferSize() / config.cleanerThreads() / 2);
                    cleaner = new Cleaner(new OffsetMap(mapBytes()), ioShare, throttler, time,
                            batch -> transactions.keepWhole(batch), (tp, phase) -> crashHook.reached(tp, phase));
                }
                cleanOne(cleaner, next.get());
            }
        } catch (Throwable t) {
            log.error("Log cleaner thread died", t);
        } finally {
            running.countDown();
        }
    }

    private void cleanOne(Cleaner cleaner, CleanableLog target) {
        PartitionLog partitionLog = target.log();
        TopicPartition tp = partitionLog.topicPartition();
        long start = time.milliseconds();
        OptionalLong cleanedTo = OptionalLong.empty();
        try {
            Cleaner.Result result = cleaner.clean(target, () -> stopped || manager.isAborted(tp));
            cleanedTo = OptionalLong.of(result.cleanedTo());
            metrics.cleaned(time.milliseconds() - start, result.bytesRead(), result.bytesWritten());
        } catch (Cleaner.Aborted e) {
            log.info("{}: clean stopped: {}", tp, e.getMessage());
        } catch (CleanerCrashHook.SimulatedCrash e) {
            log.warn("{}: simulated crash in a clean: {}", tp, e.getMessage());
            manager.markUncleanable(partitionLog);
        } catch (IOException | RuntimeException e) {
            if (stopped || !logs.get().contains(partitionLog) || segmentClosedUnderIt(e)) {
                // stopping, the log was deleted, or retention/truncation closed a segment being read: retry later
                log.info("{}: clean stopped: {}", tp, e.toString());
            } else {
                log.error("{}: clean failed; not cleaning this log again until it is re-opened", tp, e);
                manager.markUncleanable(partitionLog);
            }
        } finally {
            manager.doneCleaning(partitionLog, cleanedTo);
        }
    }

    private static boolean segmentClosedUnderIt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    private void backoff() throws InterruptedException {
        synchronized (sleep) {
            if (!stopped) {
                sleep.wait(Math.max(1, config.cleanerBackoffMs()));
            }
        }
    }
}
