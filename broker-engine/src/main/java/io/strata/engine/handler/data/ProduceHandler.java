package io.strata.engine.handler.data;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.log.LogAppendResult;
import io.strata.engine.log.validation.RecordValidationException;
import io.strata.engine.metrics.BrokerMetrics;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Produce v3-13: validates and appends each partition's batch as leader on the request thread (so appends keep
 * request order), then waits for durability off that thread: the partitions' fsyncs run in parallel on
 * the executor and merge with those of concurrent requests (group commit). acks=1 answers once the batch is
 * durable on this leader under the topic's flush policy; acks=all then waits in the produce purgatory until
 * the high watermark covers it (every ISR member holds it durably), failing with NOT_LEADER_OR_FOLLOWER if
 * leadership moves meanwhile and REQUEST_TIMED_OUT at the request's timeout. acks=0 sends no response but is
 * made durable all the same.
 *
 * <p>Transactional batches are accepted as Kafka did before KIP-890 verification (which needs the transaction
 * coordinator): a transactional batch opens its producer's transaction on the partition, holding back the last
 * stable offset until WriteTxnMarkers ends it; a non-transactional batch of a producer whose transaction is open is
 * refused with INVALID_TXN_STATE, a stale epoch with INVALID_PRODUCER_EPOCH.
 */
public final class ProduceHandler extends TypedApiHandler<ProduceRequest> {
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final MetadataCache metadata;
    private final ReplicaManager replicaManager;
    private final BrokerMetrics metrics;
    private final Executor durability;

    public ProduceHandler(MetadataCache metadata, ReplicaManager replicaManager, BrokerMetrics metrics,
                          Executor durability) {
        super(ApiKeys.PRODUCE, ProduceRequest.class, 3, 13);
        this.metadata = metadata;
        this.replicaManager = replicaManager;
        this.metrics = metrics;
        this.durability = durability;
    }

    /** An appended batch whose response waits for durability (and, with acks=all, for the ISR). */
    record Appended(TopicPartition tp, Partition partition, LogAppendResult result, int leaderEpoch,
                    ProduceResponseData.PartitionProduceResponse response) {
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, ProduceRequest request) {
        ProduceResponseData response = new ProduceResponseData();
        List<Appended> appended = new ArrayList<>();
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
                    partitionResponse = append(request, new TopicPartition(name, partitionData.index()), partitionData,
                            appended);
                }
                topicResponse.partitionResponses().add(partitionResponse);
            }
            response.responses().add(topicResponse);
        }
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        for (Appended a : appended) {
            if (a.partition().commitNeedsFsync()) {
                durable.add(CompletableFuture.runAsync(() -> makeDurable(a), durability));
            } else {
                makeDurable(a); // no I/O: not worth a thread hop
            }
        }
        CompletableFuture<Void> allDurable = CompletableFuture.allOf(durable.toArray(new CompletableFuture<?>[0]));
        if (request.acks() != -1) {
            return allDurable.thenApply(ignored -> request.acks() == 0 ? null : response);
        }
        return allDurable.thenCompose(ignored -> awaitReplication(request, response, appended));
    }

    /** acks=all: parks until the high watermark of every appended partition covers its batch. */
    private CompletableFuture<ApiMessage> awaitReplication(ProduceRequest request, ProduceResponseData response,
                                                           List<Appended> appended) {
        List<Appended> waiting = appended.stream()
                .filter(a -> a.response().errorCode() == Errors.NONE.code()).toList();
        if (waiting.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<ApiMessage> done = new CompletableFuture<>();
        DelayedProduce delayed = new DelayedProduce(waiting, () -> done.complete(response));
        replicaManager.producePurgatory().tryCompleteElseWatch(delayed,
                waiting.stream().map(Appended::tp).distinct().toList(), request.timeout());
        return done;
    }

    private void makeDurable(Appended a) {
        try {
            a.partition().makeDurable(a.result().lastOffset() + 1);
            if (!a.result().duplicate()) {
                metrics.recordIn(a.tp().topic(), a.result().sizeInBytes(), a.result().recordCount());
            }
        } catch (RuntimeException e) {
            log.error("Making {} durable failed", a.tp(), e);
            Errors error = Errors.forException(e);
            a.response().setErrorCode((error == Errors.UNKNOWN_SERVER_ERROR ? Errors.KAFKA_STORAGE_ERROR : error).code())
                    .setErrorMessage(e.getMessage()).setBaseOffset(ProduceResponse.INVALID_OFFSET);
        }
    }

    private ProduceResponseData.PartitionProduceResponse append(ProduceRequest request, TopicPartition tp,
                                                                ProduceRequestData.PartitionProduceData data,
                                                                List<Appended> appended) {
        try {
            Partition partition = replicaManager.leaderPartition(tp).orElse(null);
            if (partition == null) {
                return error(tp.partition(), metadata.missingPartitionError(tp), null);
            }
            if (!(data.records() instanceof MemoryRecords records)) {
                throw new InvalidRequestException("Produce records must be in memory");
            }
            Partition.LeaderAppend append = partition.appendAsLeaderDeferred(records, request.acks());
            replicaManager.onAppended(tp); // followers fetch it while this leader fsyncs
            LogAppendResult result = append.result();
            ProduceResponseData.PartitionProduceResponse response = new ProduceResponseData.PartitionProduceResponse()
                    .setIndex(tp.partition())
                    .setErrorCode(Errors.NONE.code())
                    .setBaseOffset(result.firstOffset())
                    .setLogAppendTimeMs(result.logAppendTime())
                    .setLogStartOffset(result.logStartOffset());
            appended.add(new Appended(tp, partition, result, append.leaderEpoch(), response));
            return response;
        } catch (RecordValidationException e) {
            log.debug("Refused a batch for {}: {}", tp, e.getMessage());
            ProduceResponseData.PartitionProduceResponse response = error(tp.partition(), e.error(), e.getMessage());
            for (RecordValidationException.RecordError recordError : e.recordErrors()) {
                response.recordErrors().add(new ProduceResponseData.BatchIndexAndErrorMessage()
                        .setBatchIndex(recordError.batchIndex())
                        .setBatchIndexErrorMessage(recordError.message()));
            }
            return response;
        } catch (RuntimeException e) {
            Errors error = Errors.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                log.error("Append to {} failed", tp, e);
            }
            return error(tp.partition(), error, e.getMessage());
        }
    }

    private static ProduceResponseData.PartitionProduceResponse error(int partition, Errors error, String message) {
        return new ProduceResponseData.PartitionProduceResponse()
                .setIndex(partition)
                .setErrorCode(error.code())
                .setErrorMessage(message)
                .setBaseOffset(ProduceResponse.INVALID_OFFSET)
                .setLogAppendTimeMs(RecordBatch.NO_TIMESTAMP)
                .setLogStartOffset(ProduceResponse.INVALID_OFFSET);
    }
}
