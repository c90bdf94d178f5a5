package io.strata.admin.service;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Produces HTTP records through the gateway's one shared producer, so records of concurrent requests batch
 * together. A topic is looked up once per request: an unknown one fails the whole request with 404 before any
 * record is sent (the producer would otherwise wait {@code max.block.ms} for it to appear).
 */
@Service
public class ProduceService {
    private final KafkaGateway gateway;
    private final HttpRecordMetrics metrics;

    public ProduceService(KafkaGateway gateway, HttpRecordMetrics metrics) {
        this.gateway = gateway;
        this.metrics = metrics;
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
                    metrics.produced(api, 1);
                    result.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

}
