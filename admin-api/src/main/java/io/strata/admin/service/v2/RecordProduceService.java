package io.strata.admin.service.v2;

import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import io.strata.admin.service.ProduceService;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Produces a batch of records through the gateway's shared producer: all are sent, then all acknowledgements
 * awaited, so one request's records batch together. Each record gets its own outcome, in request order.
 *
 * <p>The topic is looked up first so a missing topic or partition fails at once instead of blocking the
 * producer for {@code max.block.ms}: a missing topic is 404/40401 unless the cluster creates topics on use
 * ({@code auto.create.topics.enable}), in which case the producer's metadata request creates it, as with
 * kafka-rest in front of such a cluster. A record for a partition the topic lacks fails with 40402.
 */
@Service
public class RecordProduceService {
    private final KafkaGateway gateway;
    private final V2TopicService topics;
    private final ProduceService produce;

    public RecordProduceService(KafkaGateway gateway, V2TopicService topics, ProduceService produce) {
        this.gateway = gateway;
        this.topics = topics;
        this.produce = produce;
    }

    /**
     * @param partition the partition every record goes to (the partition endpoint), or null to use each record's
     * @param api       the metrics tag of the calling API ({@code v2})
     */
    public List<ProduceOutcome> produce(String topic, Integer partition, List<OutgoingRecord> records, String api) {
        int partitionCount = partitionCount(topic);
        if (partition != null && (partition < 0 || (partitionCount >= 0 && partition >= partitionCount))) {
            throw V2TopicService.partitionNotFound(topic, partition);
        }
        List<CompletableFuture<ProduceOutcome>> pending = new ArrayList<>(records.size());
        for (OutgoingRecord record : records) {
            Integer target = partition != null ? partition : record.partition();
            if (target != null && (target < 0 || (partitionCount >= 0 && target >= partitionCount))) {
                pending.add(CompletableFuture.completedFuture(ProduceOutcome.failed(40402,
                        "Partition " + target + " of topic " + topic + " not found.")));
                continue;
            }
            CompletableFuture<ProduceOutcome> outcome = produce.send(new ProducerRecord<>(topic, target,
                    record.timestamp(), record.key(), record.value(), record.headers()), api).handle((metadata, error) ->
                    error == null ? ProduceOutcome.written(metadata.partition(), metadata.offset())
                            : failure(KafkaGateway.unwrap(error)));
            pending.add(outcome);
        }
        return awaitAll(pending);
    }

    /** The topic's partition count; -1 when it does not exist yet but the cluster creates topics on use. */
    private int partitionCount(String topic) {
        try {
            return topics.describe(topic).partitions().size();
        } catch (UnknownTopicOrPartitionException e) {
            if (clusterCreatesTopicsOnUse()) {
                return -1;
            }
            throw new RestException(HttpStatus.NOT_FOUND, 40401, "Topic " + topic + " not found.", e);
        }
    }

    private boolean clusterCreatesTopicsOnUse() {
        Collection<Node> nodes = gateway.await(gateway.admin().describeCluster().nodes());
        if (nodes.isEmpty()) {
            return false;
        }
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER,
                Integer.toString(nodes.iterator().next().id()));
        Config config = gateway.await(gateway.admin().describeConfigs(List.of(broker)).values().get(broker));
        ConfigEntry entry = config.get("auto.create.topics.enable");
        return entry != null && "true".equalsIgnoreCase(entry.value());
    }

    /** Every outcome, waiting at most the request timeout for all; records not acknowledged by then fail. */
    private List<ProduceOutcome> awaitAll(List<CompletableFuture<ProduceOutcome>> pending) {
        long deadline = System.nanoTime() + gateway.requestTimeout().toNanos();
        List<ProduceOutcome> outcomes = new ArrayList<>(pending.size());
        for (CompletableFuture<ProduceOutcome> future : pending) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                outcomes.add(future.get(left, TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                outcomes.add(ProduceOutcome.failed(50003, "The record was not acknowledged in time"));
            } catch (ExecutionException e) {
                outcomes.add(failure(KafkaGateway.unwrap(e)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.add(ProduceOutcome.failed(50002, "Interrupted while waiting for the acknowledgement"));
            }
        }
        return outcomes;
    }

    /** kafka-rest's per-record codes ({@code AbstractProduceAction.errorCodeFromProducerException}). */
    static ProduceOutcome failure(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        if (error instanceof AuthenticationException) {
            return ProduceOutcome.failed(40101, message);
        }
        if (error instanceof AuthorizationException) {
            return ProduceOutcome.failed(40301, message);
        }
        if (error instanceof RetriableException) {
            return ProduceOutcome.failed(50003, message);
        }
        return ProduceOutcome.failed(50002, message);
    }
}
