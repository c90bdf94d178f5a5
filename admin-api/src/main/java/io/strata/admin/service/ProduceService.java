package io.strata.admin.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * Produces HTTP records through the gateway's one shared producer, so records of concurrent requests batch
 * together. A topic is looked up once per request: an unknown one fails the whole request with 404 before any
 * record is sent (the producer would otherwise wait {@code max.block.ms} for it to appear).
 */
@Service
public class ProduceService {
    private final KafkaGateway gateway;
    private final MeterRegistry meters;
    private final Map<String, Counter> produced = new ConcurrentHashMap<>();

    public ProduceService(KafkaGateway gateway, ObjectProvider<MeterRegistry> meters) {
        this.gateway = gateway;
        this.meters = meters.getIfAvailable(SimpleMeterRegistry::new);
    }

    /** The number of partitions of {@code topic}; 404 with {@code notFoundCode} when it does not exist. */
    public int partitionCount(String topic, int notFoundCode) {
        try {
            TopicDescription description = gateway.await(gateway.admin().describeTopics(List.of(topic))
                    .topicNameValues().get(topic));
            return description.partitions().size();
        } catch (UnknownTopicOrPartitionException e) {
            throw new RestException(HttpStatus.NOT_FOUND, notFoundCode, "Topic " + topic + " not found.", e);
        }
    }

    /**
     * Sends {@code record}; the future completes when the cluster has acknowledged it (with the producer's
     * {@code acks}) or fails with the Kafka exception. Never throws: a record the producer refuses at once fails
     * its future.
     */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, String api) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            gateway.producer().send(record, (metadata, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    produced(api).increment();
                    result.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private Counter produced(String api) {
        return produced.computeIfAbsent(api, tag -> Counter.builder("strata.http.records.produced").tag("api", tag)
                .description("Records produced over HTTP and acknowledged by the cluster").register(meters));
    }
}
