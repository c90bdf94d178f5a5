package io.strata.engine.handler.data;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.coordinator.CoordinatorErrors;
import io.strata.engine.log.LogAppendResult;
import io.strata.engine.log.producer.VerificationGuard;
import io.strata.engine.log.validation.AppendOrigin;
import io.strata.engine.log.validation.RecordValidationException;
import io.strata.engine.metrics.BrokerMetrics;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.txn.TransactionVerifier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Produce v3-13: validates and appends each partition's batch as leader on the request thread (so appends keep
 * request order), then waits for durability without holding a thread: each partition's fsync runs on the
 * broker's flusher pool, shared with every other request waiting on that partition (group commit), and
 * partitions are fsynced in parallel. acks=1 answers once the batch is durable on this leader under the
 * topic's flush policy; acks=all then waits in the produce purgatory until the high watermark covers it (every
 * ISR member holds it durably), failing with NOT_LEADER_OR_FOLLOWER if leadership moves meanwhile and
 * REQUEST_TIMED_OUT at the request's timeout. acks=0 sends no response but is
 * made durable all the same.
 *
 * <p>Transactions (KIP-890 part 1, unless {@code transaction.partition.verification.enable} is off): a transactional
 * batch that would start its producer's transaction on a partition is appended only after the transaction
 * coordinator confirmed the partition belongs to the ongoing transaction ({@link TransactionVerifier}: verify-only for
 * produce below v12, an implicit add for v12+ TV2 producers). The producer state hands out a
 * {@link VerificationGuard} first, so a marker written meanwhile makes the append fail instead of reopening the
 * transaction. Such a partition's append runs later on the executor, queued behind earlier waiting appends of the
 * same producer and partition ({@link PartitionAppendOrder}); the request thread never waits for the coordinator.
 * A failed verification answers the partition with {@link VerificationErrors}. A batch continuing an ongoing
 * transaction is appended at once. A non-transactional batch of a producer whose transaction is open is refused with
 * INVALID_TXN_STATE, a stale epoch with INVALID_PRODUCER_EPOCH.
 *
 * <p>Threads: request threads run {@link #handleRequest}; verified appends run on {@code verifiedAppends} (the
 * request pool), fsyncs on {@code flushers}, where responses then complete; verification answers arrive on lane or
 * coordinator threads and only hop from there.
 */
public final class ProduceHandler extends TypedApiHandler<ProduceRequest> {
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final MetadataCache metadata;
    private final ReplicaManager replicaManager;
    private final BrokerMetrics metrics;
    private final Executor verifiedAppends;
    private final Executor flushers;
    /** Null when partition verification is disabled. */
    private final TransactionVerifier verifier;
    private final PartitionAppendOrder order = new PartitionAppendOrder();

    /** Without transaction verification (Kafka before KIP-890). */
    public ProduceHandler(MetadataCache metadata, ReplicaManager replicaManager, BrokerMetrics metrics,
                          Executor verifiedAppends, Executor flushers) {
        this(metadata, replicaManager, metrics, verifiedAppends, flushers, null);
    }

    /**
     * @param verifiedAppends runs verified appends (the request pool)
     * @param flushers   runs the fsyncs appends wait for (the broker's flusher pool)
     * @param verifier   the coordinator check of transactional batches; null disables it
     */
    public ProduceHandler(MetadataCache metadata, ReplicaManager replicaManager, BrokerMetrics metrics,
                          Executor verifiedAppends, Executor flushers, TransactionVerifier verifier) {
        super(ApiKeys.PRODUCE, ProduceRequest.class, 3, 13);
        this.metadata = metadata;
        this.replicaManager = replicaManager;
        this.metrics = metrics;
        this.verifiedAppends = verifiedAppends;
        this.flushers = flushers;
        this.verifier = verifier;
    }

    /**
     * Requests up to this size are handled on the event loop: validation and the page-cache write of half a MiB take
     * well under a millisecond, less than the two thread hand-offs they save cost a small machine; the fsync is
     * never done there ({@link #complete}). Larger ones (many partitions, big compressed batches) go to a request
     * thread.
     */
    static final int MAX_EVENT_LOOP_REQUEST_BYTES = 512 * 1024;

    @Override
    public boolean runsOnEventLoop(int requestBytes) {
        return requestBytes <= MAX_EVENT_LOOP_REQUEST_BYTES;
    }

    /** The first produce version whose transactional producers have the leader add partitions (TV2). */
    static final short FIRST_IMPLICIT_ADD_VERSION = 12;

    /** An appended batch whose response waits for durability (and, with acks=all, for the ISR). */
    record Appended(TopicPartition tp, Partition partition, LogAppendResult result, int leaderEpoch,
                    ProduceResponseData.PartitionProduceResponse response) {
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, ProduceRequest request) {
        ProduceResponseData response = new ProduceResponseData();
        List<Appended> appended = new ArrayList<>();
        List<CompletableFuture<Appended>> verified = new ArrayList<>();
        boolean byId = context.apiVersion() >= 13;
        for (ProduceRequestData.TopicProduceData topicData : request.data().topicData()) {
            String name = byId ? metadata.topicName(topicData.topicId()) : topicData.name();
            Uuid topicId = byId ? topicData.topicId() : Uuid.ZERO_UUID;
            ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse()
                    .setName(byId ? "" : name).setTopicId(topicId);
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                ProduceResponseData.PartitionProduceResponse partitionResponse;
                if (name == null) {
                    partitionResponse = error(partitionData.index(), Errors.UNKNOWN_TOPIC_ID, null);
                } else if (Topic.isInternal(name)) {
                    // Only the coordinators write their internal topics; a client record there would corrupt them.
                    partitionResponse = error(partitionData.index(), Errors.INVALID_TOPIC_EXCEPTION,
                            "Cannot append to internal topic " + name);
                } else {
                    partitionResponse = appendOrVerify(context.apiVersion(), request,
                            new TopicPartition(name, partitionData.index()), partitionData, appended, verified);
                }
                topicResponse.partitionResponses().add(partitionResponse);
            }
            response.responses().add(topicResponse);
        }
        if (verified.isEmpty()) {
            return complete(request, response, appended, context.afterRead(), context.eventLoop());
        }
        return CompletableFuture.allOf(verified.toArray(new CompletableFuture<?>[0])).thenCompose(ignored -> {
            List<Appended> all = new ArrayList<>(appended);
            verified.stream().map(CompletableFuture::join).filter(a -> a != null).forEach(all::add);
            return complete(request, response, all, Runnable::run, context.eventLoop()); // later, on a verification thread
        });
    }

    /**
     * Makes the appended batches durable (fsyncs started from {@code scheduleVia}) and, with acks=all, waits for the
     * ISR, checked on {@code eventLoop} (the connection's) when a high watermark moves.
     */
    private CompletableFuture<ApiMessage> complete(ProduceRequest request, ProduceResponseData response,
                                                   List<Appended> appended, Executor scheduleVia, Executor eventLoop) {
        List<CompletableFuture<Void>> durable = new ArrayList<>(appended.size());
        for (Appended a : appended) {
            durable.add(makeDurable(a, scheduleVia));
        }
        CompletableFuture<Void> allDurable = durable.size() == 1 ? durable.get(0)
                : CompletableFuture.allOf(durable.toArray(new CompletableFuture<?>[0]));
        if (request.acks() != -1) {
            return allDurable.thenApply(ignored -> request.acks() == 0 ? null : response);
        }
        return allDurable.thenCompose(ignored -> awaitReplication(request, response, appended, eventLoop));
    }

    /** acks=all: parks until the high watermark of every appended partition covers its batch. */
    private CompletableFuture<ApiMessage> awaitReplication(ProduceRequest request, ProduceResponseData response,
                                                           List<Appended> appended, Executor eventLoop) {
        List<Appended> waiting = appended.stream()
                .filter(a -> a.response().errorCode() == Errors.NONE.code()).toList();
        if (waiting.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<ApiMessage> done = new CompletableFuture<>();
        DelayedProduce delayed = new DelayedProduce(waiting, () -> done.complete(response), eventLoop);
        replicaManager.producePurgatory().tryCompleteElseWatch(delayed,
                waiting.stream().map(Appended::tp).distinct().toList(), request.timeout());
        return done;
    }

    /** Never fails: a failed fsync answers the partition with its error. */
    private CompletableFuture<Void> makeDurable(Appended a, Executor scheduleVia) {
        long next = a.result().lastOffset() + 1;
        return a.partition().makeDurableAsync(next, flushers, scheduleVia).handle((ignored, failure) -> {
            if (failure == null) {
                if (!a.result().duplicate()) {
                    metrics.recordIn(a.tp().topic(), a.result().sizeInBytes(), a.result().recordCount());
                }
                return null;
            }
            Throwable e = CoordinatorErrors.unwrapped(failure);
            log.error("Making {} durable failed", a.tp(), e);
            Errors error = Errors.forException(e);
            a.response().setErrorCode((error == Errors.UNKNOWN_SERVER_ERROR ? Errors.KAFKA_STORAGE_ERROR : error).code())
                    .setErrorMessage(e.getMessage()).setBaseOffset(ProduceResponse.INVALID_OFFSET);
            return null;
        });
    }

    /**
     * Appends the partition's batch now, or, when it is a transactional batch starting its producer's transaction
     * here (or one queued behind such a batch), after verification; the returned response is filled in then.
     */
    private ProduceResponseData.PartitionProduceResponse appendOrVerify(short version, ProduceRequest request,
                                                                        TopicPartition tp,
                                                                        ProduceRequestData.PartitionProduceData data,
                                                                        List<Appended> appended,
                                                                        List<CompletableFuture<Appended>> verified) {
        ProduceResponseData.PartitionProduceResponse response = new ProduceResponseData.PartitionProduceResponse()
                .setIndex(tp.partition());
        Partition partition;
        try {
            partition = replicaManager.leaderPartition(tp).orElse(null);
        } catch (RuntimeException e) {
            // Hosted here but not led (a follower, or leadership moving): this partition's error only. Thrown out
            // of the request it failed every partition of it, also batches already appended for others, which the
            // producer then retried as duplicates, acknowledged after its later batches.
            return error(response, Errors.forException(e), e.getMessage());
        }
        if (partition == null) {
            return error(response, metadata.missingPartitionError(tp), null);
        }
        if (!(data.records() instanceof MemoryRecords records)) {
            return error(response, Errors.INVALID_REQUEST, "Produce records must be in memory");
        }
        if (verifier == null) {
            append(request, tp, partition, records, VerificationGuard.UNCHECKED, response, appended);
            return response;
        }
        RecordBatch first = firstBatch(records);
        if (first == null || !first.hasProducerId()) {
            append(request, tp, partition, records, VerificationGuard.NONE, response, appended);
            return response;
        }
        PartitionAppendOrder.Key key = new PartitionAppendOrder.Key(tp, first.producerId());
        VerificationGuard guard = VerificationGuard.NONE;
        CompletableFuture<Errors> verification = CompletableFuture.completedFuture(Errors.NONE);
        if (first.isTransactional()) {
            try {
                guard = partition.log().startTransactionVerification(first.producerId(), first.producerEpoch());
            } catch (RuntimeException e) {
                return error(response, Errors.forException(e), e.getMessage());
            }
            if (guard.isGuard()) {
                verification = verifier.verify(request.transactionalId() == null ? "" : request.transactionalId(),
                        first.producerId(), first.producerEpoch(), Set.of(tp), version >= FIRST_IMPLICIT_ADD_VERSION)
                        .thenApply(errors -> errors.getOrDefault(tp, Errors.NETWORK_EXCEPTION));
            }
        }
        if (!guard.isGuard() && !order.hasPending(key)) {
            append(request, tp, partition, records, guard, response, appended);
            return response;
        }
        VerificationGuard appendGuard = guard;
        verified.add(order.enqueue(key, verification, error -> {
            if (error != Errors.NONE) {
                log.debug("Transaction verification of producer {} on {} failed: {}", first.producerId(), tp, error);
                error(response, VerificationErrors.forProduce(error, version), VerificationErrors.message(error));
                return null;
            }
            List<Appended> one = new ArrayList<>(1);
            append(request, tp, partition, records, appendGuard, response, one);
            return one.isEmpty() ? null : one.get(0);
        }, verifiedAppends));
        return response;
    }

    private static RecordBatch firstBatch(MemoryRecords records) {
        try {
            Iterator<? extends RecordBatch> batches = records.batches().iterator();
            return batches.hasNext() ? batches.next() : null;
        } catch (RuntimeException e) {
            return null; // malformed: the append's validation answers it
        }
    }

    /** Appends as leader, filling {@code response}; the batch joins {@code appended} on success. */
    private void append(ProduceRequest request, TopicPartition tp, Partition partition, MemoryRecords records,
                        VerificationGuard guard, ProduceResponseData.PartitionProduceResponse response,
                        List<Appended> appended) {
        try {
            Partition.LeaderAppend append = partition.appendAsLeaderDeferred(records, request.acks(),
                    AppendOrigin.CLIENT, guard);
            replicaManager.onAppended(tp); // followers fetch it while this leader fsyncs
            LogAppendResult result = append.result();
            response.setErrorCode(Errors.NONE.code())
                    .setErrorMessage(null)
                    .setBaseOffset(result.firstOffset())
                    .setLogAppendTimeMs(result.logAppendTime())
                    .setLogStartOffset(result.logStartOffset());
            appended.add(new Appended(tp, partition, result, append.leaderEpoch(), response));
        } catch (RecordValidationException e) {
            log.debug("Refused a batch for {}: {}", tp, e.getMessage());
            error(response, e.error(), e.getMessage());
            for (RecordValidationException.RecordError recordError : e.recordErrors()) {
                response.recordErrors().add(new ProduceResponseData.BatchIndexAndErrorMessage()
                        .setBatchIndex(recordError.batchIndex())
                        .setBatchIndexErrorMessage(recordError.message()));
            }
        } catch (RuntimeException e) {
            Errors error = Errors.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                log.error("Append to {} failed", tp, e);
            }
            error(response, error, e.getMessage());
        }
    }

    private static ProduceResponseData.PartitionProduceResponse error(int partition, Errors error, String message) {
        return error(new ProduceResponseData.PartitionProduceResponse().setIndex(partition), error, message);
    }

    private static ProduceResponseData.PartitionProduceResponse error(
            ProduceResponseData.PartitionProduceResponse response, Errors error, String message) {
        return response
                .setErrorCode(error.code())
                .setErrorMessage(message)
                .setBaseOffset(ProduceResponse.INVALID_OFFSET)
                .setLogAppendTimeMs(RecordBatch.NO_TIMESTAMP)
                .setLogStartOffset(ProduceResponse.INVALID_OFFSET);
    }
}
