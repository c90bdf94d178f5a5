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

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

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
    /** How long a topic's partition count is reused (see {@link #partitionCount}). */
    private static final long LOOKUP_TTL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_LOOKUPS = 10_000;

    private final Map<String, Lookup> lookups = new ConcurrentHashMap<>();
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
        int partitionCount = partitionCount(topic, partition == null ? maxPartition(records) : partition);
        if (partition != null && (partition < 0 || (partitionCount >= 0 && partition >= partitionCount))) {
            throw V2TopicService.partitionNotFound(topic, partition);
        }
        Outcomes outcomes = new Outcomes(records.size());
        for (int i = 0; i < records.size(); i++) {
            OutgoingRecord record = records.get(i);
            Integer target = partition != null ? partition : record.partition();
            if (target != null && (target < 0 || (partitionCount >= 0 && target >= partitionCount))) {
                outcomes.set(i, ProduceOutcome.failed(40402, "Partition " + target + " of topic " + topic + " not found."));
                continue;
            }
            int index = i;
            produce.send(new ProducerRecord<>(topic, target, record.timestamp(), record.key(), record.value(),
                    record.headers()), (metadata, error) -> outcomes.set(index, error == null
                    ? ProduceOutcome.written(metadata.partition(), metadata.offset())
                    : failure(KafkaGateway.unwrap(error))));
        }
        List<ProduceOutcome> result = outcomes.await(gateway.requestTimeout());
        produce.produced(api, result.stream().filter(ProduceOutcome::succeeded).count());
        return result;
    }

    private static int maxPartition(List<OutgoingRecord> records) {
        int max = -1;
        for (OutgoingRecord record : records) {
            if (record.partition() != null) {
                max = Math.max(max, record.partition());
            }
        }
        return max;
    }

    /**
     * The topic's partition count; -1 when it does not exist yet but the cluster creates topics on use. A count
     * the admin client answered less than {@link #LOOKUP_TTL_NANOS} ago is reused unless {@code highest} (the
     * highest partition the request names) is beyond it: describing the topic per request cost the HTTP path a
     * tenth of its CPU (the admin client's round trip and the broker's metadata answer), and partitions added
     * since are then still seen at once. A topic deleted within that second is still taken to exist: its records
     * wait for the producer's metadata, up to {@code max.block.ms}, as they could when the deletion came between
     * the lookup and the send.
     */
    private int partitionCount(String topic, int highest) {
        Lookup lookup = lookups.get(topic);
        long now = System.nanoTime();
        if (lookup != null && now - lookup.at() < LOOKUP_TTL_NANOS && highest < lookup.partitions()) {
            return lookup.partitions();
        }
        int partitions;
        try {
            partitions = topics.describe(topic).partitions().size();
        } catch (UnknownTopicOrPartitionException e) {
            lookups.remove(topic);
            if (clusterCreatesTopicsOnUse()) {
                return -1;
            }
            throw new RestException(HttpStatus.NOT_FOUND, 40401, "Topic " + topic + " not found.", e);
        }
        if (lookups.size() >= MAX_LOOKUPS) {
            lookups.clear();
        }
        lookups.put(topic, new Lookup(partitions, now));
        return partitions;
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

    /** A topic's partition count and when (System.nanoTime) the admin client answered it. */
    private record Lookup(int partitions, long at) {
    }

    /**
     * One request's outcomes, filled in by the producer's callbacks (on its I/O thread) and read by the request's
     * thread once all are in or the request timeout passed; records not acknowledged by then fail with 50003.
     */
    private static final class Outcomes {
        private final AtomicReferenceArray<ProduceOutcome> outcomes;
        private final CountDownLatch pending;

        Outcomes(int size) {
            outcomes = new AtomicReferenceArray<>(size);
            pending = new CountDownLatch(size);
        }

        void set(int index, ProduceOutcome outcome) {
            if (outcomes.compareAndSet(index, null, outcome)) {
                pending.countDown();
            }
        }

        List<ProduceOutcome> await(Duration timeout) {
            try {
                pending.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                for (int i = 0; i < outcomes.length(); i++) {
                    set(i, ProduceOutcome.failed(50002, "Interrupted while waiting for the acknowledgement"));
                }
            }
            for (int i = 0; i < outcomes.length(); i++) {
                set(i, ProduceOutcome.failed(50003, "The record was not acknowledged in time"));
            }
            List<ProduceOutcome> result = new ArrayList<>(outcomes.length());
            for (int i = 0; i < outcomes.length(); i++) {
                result.add(outcomes.get(i));
            }
            return result;
        }
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
