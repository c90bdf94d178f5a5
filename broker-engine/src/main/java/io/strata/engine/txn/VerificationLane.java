package io.strata.engine.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The verifications this leader sends to one transaction coordinator broker, batched as Kafka's
 * AddPartitionsToTxnManager does: one AddPartitionsToTxn v5 request in flight at a time, and whatever arrives
 * meanwhile goes together in the next one (one entry per transactional id). A second verification of an id already
 * queued joins it when producer id, epoch and kind match; otherwise the older epoch loses with
 * INVALID_PRODUCER_EPOCH (the same epoch with a different producer id or kind: NETWORK_EXCEPTION for the queued one,
 * which its producer retries), as in Kafka.
 *
 * <p>Answers per partition are the coordinator's, except that PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH, a
 * top-level CLUSTER_AUTHORIZATION_FAILED becomes INVALID_TXN_STATE, and a failed send NETWORK_EXCEPTION.
 *
 * <p>Threads: {@link #submit} from any thread (request threads); the queue is guarded by this lane's monitor; the
 * blocking send and the completion of the callers' futures run on {@code senders}, one drain at a time.
 */
final class VerificationLane {
    private static final Logger log = LoggerFactory.getLogger(VerificationLane.class);

    /** Sends one batched request and returns its response (blocking); throws on failure. */
    @FunctionalInterface
    interface Sender {
        AddPartitionsToTxnResponseData send(AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection txns)
                throws Exception;
    }

    /** One caller waiting for some partitions of a queued transaction. */
    private record Waiter(Set<TopicPartition> partitions, CompletableFuture<Map<TopicPartition, Errors>> answer) {
    }

    /** A transactional id's entry of the next request. */
    private static final class Queued {
        final long producerId;
        final short epoch;
        final boolean verifyOnly;
        final Set<TopicPartition> partitions = new LinkedHashSet<>();
        final List<Waiter> waiters = new ArrayList<>();

        Queued(long producerId, short epoch, boolean verifyOnly) {
            this.producerId = producerId;
            this.epoch = epoch;
            this.verifyOnly = verifyOnly;
        }
    }

    private final int destination;
    private final Sender sender;
    private final Executor senders;
    /** Guarded by this: the next request's entries, by transactional id. */
    private Map<String, Queued> queued = new LinkedHashMap<>();
    /** Guarded by this: a drain is scheduled or running. */
    private boolean draining;

    VerificationLane(int destination, Sender sender, Executor senders) {
        this.destination = destination;
        this.sender = sender;
        this.senders = senders;
    }

    /** Queues a verification (or, with {@code verifyOnly} false, an implicit add) for the next request. */
    CompletableFuture<Map<TopicPartition, Errors>> submit(String transactionalId, long producerId, short epoch,
                                                          boolean verifyOnly, Set<TopicPartition> partitions) {
        CompletableFuture<Map<TopicPartition, Errors>> answer = new CompletableFuture<>();
        Waiter waiter = new Waiter(Set.copyOf(partitions), answer);
        Waiter lost = null;
        boolean schedule;
        synchronized (this) {
            Queued existing = queued.get(transactionalId);
            if (existing != null && (existing.producerId != producerId || existing.epoch != epoch
                    || existing.verifyOnly != verifyOnly)) {
                if (existing.epoch > epoch) {
                    answer.complete(allWith(partitions, Errors.INVALID_PRODUCER_EPOCH));
                    return answer;
                }
                queued.remove(transactionalId);
                Errors error = existing.epoch < epoch ? Errors.INVALID_PRODUCER_EPOCH : Errors.NETWORK_EXCEPTION;
                existing.waiters.forEach(w -> w.answer().complete(allWith(w.partitions(), error)));
                existing = null;
            }
            if (existing == null) {
                existing = new Queued(producerId, epoch, verifyOnly);
                queued.put(transactionalId, existing);
            }
            existing.partitions.addAll(partitions);
            existing.waiters.add(waiter);
            schedule = !draining;
            draining = true;
        }
        if (schedule) {
            try {
                senders.execute(this::drain);
            } catch (RejectedExecutionException e) {
                failAll(Errors.NETWORK_EXCEPTION); // shutting down
            }
        }
        return answer;
    }

    /** Sends batches until nothing is queued. */
    private void drain() {
        while (true) {
            Map<String, Queued> batch;
            synchronized (this) {
                if (queued.isEmpty()) {
                    draining = false;
                    return;
                }
                batch = queued;
                queued = new LinkedHashMap<>();
            }
            sendBatch(batch);
        }
    }

    private void sendBatch(Map<String, Queued> batch) {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection txns =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
        batch.forEach((id, q) -> txns.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction()
                .setTransactionalId(id).setProducerId(q.producerId).setProducerEpoch(q.epoch)
                .setVerifyOnly(q.verifyOnly).setTopics(topics(q.partitions))));
        AddPartitionsToTxnResponseData response;
        try {
            response = sender.send(txns);
        } catch (Exception e) {
            log.debug("Verifying {} transaction(s) with broker {} failed: {}", batch.size(), destination, e.toString());
            batch.values().forEach(q -> completeAll(q, Errors.NETWORK_EXCEPTION));
            return;
        }
        Errors top = Errors.forCode(response.errorCode());
        if (top != Errors.NONE) {
            Errors error = top == Errors.CLUSTER_AUTHORIZATION_FAILED ? Errors.INVALID_TXN_STATE : top;
            batch.values().forEach(q -> completeAll(q, error));
            return;
        }
        Map<String, Map<TopicPartition, Errors>> byTxn = new HashMap<>();
        for (AddPartitionsToTxnResponseData.AddPartitionsToTxnResult result : response.resultsByTransaction()) {
            Map<TopicPartition, Errors> errors = new HashMap<>();
            result.topicResults().forEach(topic -> topic.resultsByPartition().forEach(p -> {
                Errors error = Errors.forCode(p.partitionErrorCode());
                errors.put(new TopicPartition(topic.name(), p.partitionIndex()),
                        error == Errors.PRODUCER_FENCED ? Errors.INVALID_PRODUCER_EPOCH : error);
            }));
            byTxn.put(result.transactionalId(), errors);
        }
        batch.forEach((id, q) -> {
            Map<TopicPartition, Errors> errors = byTxn.getOrDefault(id, Map.of());
            for (Waiter w : q.waiters) {
                Map<TopicPartition, Errors> answer = new LinkedHashMap<>();
                w.partitions().forEach(tp -> answer.put(tp, errors.getOrDefault(tp, Errors.NETWORK_EXCEPTION)));
                w.answer().complete(answer);
            }
        });
    }

    private void failAll(Errors error) {
        Map<String, Queued> batch;
        synchronized (this) {
            batch = queued;
            queued = new LinkedHashMap<>();
            draining = false;
        }
        batch.values().forEach(q -> completeAll(q, error));
    }

    private static void completeAll(Queued q, Errors error) {
        q.waiters.forEach(w -> w.answer().complete(allWith(w.partitions(), error)));
    }

    private static AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics(Set<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        byTopic.forEach((name, ps) -> topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic()
                .setName(name).setPartitions(ps)));
        return topics;
    }

    static Map<TopicPartition, Errors> allWith(Set<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> answer = new LinkedHashMap<>();
        partitions.forEach(tp -> answer.put(tp, error));
        return answer;
    }
}
