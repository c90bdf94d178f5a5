package io.strata.admin.service;

import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.stereotype.Service;

import java.util.concurrent.CompletableFuture;

/**
 * Produces HTTP records through the gateway's one shared producer, so records of concurrent requests batch
 * together. Callers look the topic up first, once per request, so an unknown one fails the whole request with
 * 404 before any record is sent (the producer would otherwise wait {@code max.block.ms} for it to appear).
 */
@Service
public class ProduceService {
    private final KafkaGateway gateway;
    private final HttpRecordMetrics metrics;

    public ProduceService(KafkaGateway gateway, HttpRecordMetrics metrics) {
        this.gateway = gateway;
        this.metrics = metrics;
    }

    /**
     * Sends {@code record}; the future completes when the cluster has acknowledged it (with the producer's
     * {@code acks}) or fails with the Kafka exception. Never throws: a record the producer refuses at once fails
     * its future.
     */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, String api) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        send(record, (metadata, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                metrics.produced(api, 1);
                result.complete(metadata);
            }
        });
        return result;
    }

    /**
     * Sends {@code record} and calls {@code callback} (on the producer's I/O thread) when the cluster has
     * acknowledged or refused it; a record the producer refuses at once is also reported to the callback, on
     * this thread. Does not count the record: the caller reports what was acknowledged with {@link #produced}.
     */
    public void send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        try {
            gateway.producer().send(record, callback);
        } catch (RuntimeException e) {
            callback.onCompletion(null, e);
        }
    }

    /** Counts {@code records} acknowledged records of {@code api}. */
    public void produced(String api, long records) {
        metrics.produced(api, records);
    }
}
