package io.strata.admin.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Records produced and consumed over HTTP ({@code strata_http_records_produced_total},
 * {@code strata_http_records_consumed_total}, tag {@code api}) and the live consumer instance gauge, in the
 * platform's meter registry (a private one when the application has none).
 */
@Component
public class HttpRecordMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> produced = new ConcurrentHashMap<>();
    private final Map<String, Counter> consumed = new ConcurrentHashMap<>();

    public HttpRecordMetrics(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry.getIfAvailable(SimpleMeterRegistry::new);
    }

    public void produced(String api, long records) {
        if (records > 0) {
            produced.computeIfAbsent(api, tag -> Counter.builder("strata.http.records.produced")
                    .description("Records produced over HTTP and acknowledged by the cluster")
                    .tag("api", tag).register(registry)).increment(records);
        }
    }

    public void consumed(String api, long records) {
        if (records > 0) {
            consumed.computeIfAbsent(api, tag -> Counter.builder("strata.http.records.consumed")
                    .description("Records consumed over HTTP").tag("api", tag).register(registry)).increment(records);
        }
    }

    /** Registers the gauge of live HTTP consumer instances, read from {@code count}. */
    public void consumerInstances(Supplier<Number> count) {
        io.micrometer.core.instrument.Gauge.builder("strata.http.consumer.instances", count)
                .description("Live HTTP (v2) consumer instances").register(registry);
    }
}
