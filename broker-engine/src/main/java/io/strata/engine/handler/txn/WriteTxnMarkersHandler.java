package io.strata.engine.handler.txn;

import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.coordinator.CoordinatorErrors;
import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * WriteTxnMarkers v1-2 (inter-broker: a transaction coordinator, or {@code kafka-transactions.sh abort}, ending a
 * transaction on the partition leaders). Each marker is appended as a control batch on every named partition this
 * broker leads, checked against the producer's state there: a marker for an older producer epoch gets
 * INVALID_PRODUCER_EPOCH, one from a coordinator epoch older than the partition last saw for that producer
 * TRANSACTION_COORDINATOR_FENCED. An abort is indexed in the segment's {@code .txnindex}. The response waits,
 * with acks=all semantics, until every appended marker is durable and under the high watermark (NOT_ENOUGH_REPLICAS
 * if the ISR is below min.insync.replicas; NOT_LEADER_OR_FOLLOWER if leadership moves meanwhile; REQUEST_TIMED_OUT
 * after {@code timeoutMs}). Partitions of unknown topics or beyond the topic's partition count get
 * UNKNOWN_TOPIC_OR_PARTITION; partitions led elsewhere NOT_LEADER_OR_FOLLOWER.
 *
 * <p>v2 adds each marker's transaction version (KIP-1228); it is accepted and, as yet, not needed here: partitions
 * apply the same epoch checks to markers of either version (a TV2 marker's bumped epoch passes them).
 * Appends run on the request thread in request order; fsyncs run on {@code flushers} (the broker's flusher pool),
 * merged with other writers', without holding a thread while they wait.
 *
 * <p>Markers for a coordinator's partitions ({@code __consumer_offsets}: transactional offset commits) are written
 * through that coordinator ({@link CoordinatorMarkers}), which orders them with its own writes and applies them once
 * committed; the partition's answer waits for that. A coordinator that is not (or no longer) serving the partition
 * answers NOT_LEADER_OR_FOLLOWER, as Kafka does, so the transaction coordinator retries. Each such partition's
 * result is set by the thread that completes its coordinator write; the response is read only after all of them have
 * completed (allOf orders those writes before it).
 */
public final class WriteTxnMarkersHandler extends TypedApiHandler<WriteTxnMarkersRequest> {
    private static final Logger log = LoggerFactory.getLogger(WriteTxnMarkersHandler.class);
    /** How long markers wait for the ISR: Kafka's request.timeout.ms default, which it uses here too. */
    public static final long DEFAULT_TIMEOUT_MS = 30_000;

    private final MetadataCache metadata;
    private final ReplicaManager replicaManager;
    private final Executor flushers;
    private final Time time;
    private final long timeoutMs;
    private final CoordinatorMarkers coordinatorMarkers;

    public WriteTxnMarkersHandler(MetadataCache metadata, ReplicaManager replicaManager, Executor flushers,
                                  Time time, long timeoutMs) {
        this(metadata, replicaManager, flushers, time, timeoutMs, CoordinatorMarkers.NONE);
    }

    public WriteTxnMarkersHandler(MetadataCache metadata, ReplicaManager replicaManager, Executor flushers,
                                  Time time, long timeoutMs, CoordinatorMarkers coordinatorMarkers) {
        super(ApiKeys.WRITE_TXN_MARKERS, WriteTxnMarkersRequest.class, 1, 2);
        this.metadata = metadata;
        this.replicaManager = replicaManager;
        this.flushers = flushers;
        this.time = time;
        this.timeoutMs = timeoutMs;
        this.coordinatorMarkers = coordinatorMarkers;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, WriteTxnMarkersRequest request) {
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        List<MarkerWrite> written = new ArrayList<>();
        List<CompletableFuture<Void>> viaCoordinator = new ArrayList<>();
        for (WriteTxnMarkersRequestData.WritableTxnMarker marker : request.data().markers()) {
            WriteTxnMarkersResponseData.WritableTxnMarkerResult markerResult =
                    new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(marker.producerId());
            for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic topic : marker.topics()) {
                WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topicResult =
                        new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(topic.name());
                for (int partitionIndex : topic.partitionIndexes()) {
                    WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult result =
                            new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult()
                                    .setPartitionIndex(partitionIndex);
                    write(marker, new TopicPartition(topic.name(), partitionIndex), result, written, viaCoordinator);
                    topicResult.partitions().add(result);
                }
                markerResult.topics().add(topicResult);
            }
            response.markers().add(markerResult);
        }
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        for (MarkerWrite w : written) {
            durable.add(makeDurable(w));
        }
        CompletableFuture<ApiMessage> appended = CompletableFuture.allOf(durable.toArray(new CompletableFuture<?>[0]))
                .thenCompose(ignored -> awaitReplication(response, written));
        if (viaCoordinator.isEmpty()) {
            return appended;
        }
        return CompletableFuture.allOf(viaCoordinator.toArray(new CompletableFuture<?>[0]))
                .thenCompose(ignored -> appended);
    }

    private void write(WriteTxnMarkersRequestData.WritableTxnMarker marker, TopicPartition tp,
                       WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult result, List<MarkerWrite> written,
                       List<CompletableFuture<Void>> viaCoordinator) {
        Partition partition = replicaManager.partition(tp).orElse(null);
        if (partition == null) {
            boolean known = metadata.topic(tp.topic()).map(t -> tp.partition() >= 0
                    && tp.partition() < t.partitions().size()).orElse(false);
            result.setErrorCode((known ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
            return;
        }
        if (coordinatorMarkers.handles(tp)) {
            viaCoordinator.add(writeThroughCoordinator(marker, tp, result));
            return;
        }
        try {
            Partition.LeaderAppend append = partition.appendTxnMarker(marker.producerId(), marker.producerEpoch(),
                    marker.transactionResult(), marker.coordinatorEpoch(), time.milliseconds());
            replicaManager.onAppended(tp); // followers fetch it while this leader fsyncs
            result.setErrorCode(Errors.NONE.code());
            written.add(new MarkerWrite(tp, partition, append.result().lastOffset() + 1, append.leaderEpoch(), result));
            log.debug("{}: wrote the {} marker of producer {} epoch {} (coordinator epoch {}, transaction version {})",
                    tp, marker.transactionResult() ? "commit" : "abort", marker.producerId(), marker.producerEpoch(),
                    marker.coordinatorEpoch(), marker.transactionVersion());
        } catch (RuntimeException e) {
            Errors error = Errors.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                log.error("Writing a transaction marker to {} failed", tp, e);
            } else {
                log.debug("Refused a transaction marker for {}: {}", tp, e.getMessage());
            }
            result.setErrorCode(error.code());
        }
    }

    /** The partition's error is set when the coordinator has committed the marker or refused it; never fails. */
    private CompletableFuture<Void> writeThroughCoordinator(WriteTxnMarkersRequestData.WritableTxnMarker marker,
                                                            TopicPartition tp,
                                                            WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult result) {
        CompletableFuture<Void> written;
        try {
            written = coordinatorMarkers.write(tp, marker.producerId(), marker.producerEpoch(),
                    marker.coordinatorEpoch(), marker.transactionResult());
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        return written.handle((ignored, failure) -> {
            result.setErrorCode(coordinatorError(tp, failure).code());
            return null;
        });
    }

    private static Errors coordinatorError(TopicPartition tp, Throwable failure) {
        if (failure == null) {
            return Errors.NONE;
        }
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        Errors error = Errors.forException(cause);
        switch (error) {
            case COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR:
                return Errors.NOT_LEADER_OR_FOLLOWER;
            case UNKNOWN_SERVER_ERROR:
                log.error("Writing a transaction marker to {} through its coordinator failed", tp, cause);
                return error;
            default:
                log.debug("Refused a transaction marker for {}: {}", tp, cause.getMessage());
                return error;
        }
    }

    /** Never fails: a failed fsync answers the partition with its error. */
    private CompletableFuture<Void> makeDurable(MarkerWrite w) {
        return w.partition().makeDurableAsync(w.nextOffset(), flushers, Runnable::run).exceptionally(failure -> {
            Throwable e = CoordinatorErrors.unwrapped(failure);
            log.error("Making the transaction marker on {} durable failed", w.tp(), e);
            Errors error = Errors.forException(e);
            w.result().setErrorCode((error == Errors.UNKNOWN_SERVER_ERROR ? Errors.KAFKA_STORAGE_ERROR : error).code());
            return null;
        });
    }

    private CompletableFuture<ApiMessage> awaitReplication(WriteTxnMarkersResponseData response,
                                                           List<MarkerWrite> written) {
        List<MarkerWrite> waiting = written.stream()
                .filter(w -> w.result().errorCode() == Errors.NONE.code()).toList();
        if (waiting.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<ApiMessage> done = new CompletableFuture<>();
        replicaManager.producePurgatory().tryCompleteElseWatch(
                new DelayedMarkerWrite(waiting, () -> done.complete(response)),
                waiting.stream().map(MarkerWrite::tp).distinct().toList(), timeoutMs);
        return done;
    }
}
