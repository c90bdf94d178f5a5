package io.strata.admin.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

import java.util.concurrent.TimeUnit;

/**
 * The traffic counters of the broker running in this process, read from the platform's meter registry (the same
 * numbers /actuator/prometheus exports): bytes and records in and out over all topics, and the Produce and Fetch
 * request counts and times. They are cumulative since the process started; rates come from two samples. A
 * process without a broker reports zeros.
 */
@Service
public class ThroughputService {
    private final MeterRegistry registry;

    public ThroughputService(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry.getIfAvailable(SimpleMeterRegistry::new);
    }

    public Sample sample() {
        return new Sample(System.currentTimeMillis(),
                counterSum("strata.topic.bytes.in"), counterSum("strata.topic.bytes.out"),
                counterSum("strata.topic.messages.in"), counterSum("strata.topic.messages.out"),
                requests("Produce"), requests("Fetch"));
    }

    private long counterSum(String name) {
        double sum = 0;
        for (Counter counter : registry.find(name).counters()) {
            sum += counter.count();
        }
        return (long) sum;
    }

    private Requests requests(String api) {
        long count = 0;
        double totalMs = 0;
        for (Timer timer : registry.find("strata.requests").tag("api", api).timers()) {
            count += timer.count();
            totalMs += timer.totalTime(TimeUnit.MILLISECONDS);
        }
        double errors = 0;
        for (Counter counter : registry.find("strata.request.errors").tag("api", api).counters()) {
            errors += counter.count();
        }
        return new Requests(count, totalMs, (long) errors);
    }

    /** Cumulative counters at {@code timeMs}. */
    public record Sample(long timeMs, long bytesIn, long bytesOut, long messagesIn, long messagesOut,
                         Requests produce, Requests fetch) {
    }

    /** Requests of one API answered so far, their summed handling time and how many failed. */
    public record Requests(long count, double totalTimeMs, long errors) {
    }
}
