package io.strata.engine.txn;

import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.replication.BrokerChannel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes the commit or abort markers of prepared transactions to their partitions (Kafka's
 * TransactionMarkerChannelManager): the partitions are grouped by their current leader in the metadata cache and
 * each leader gets a WriteTxnMarkers v1 request (transaction version 1 markers, carrying the coordinator epoch)
 * over a blocking {@link BrokerChannel}, this broker included (through its own listener: the same code path
 * as any other leader). Partitions without a live leader, or whose leader answers NOT_LEADER_OR_FOLLOWER, a
 * timeout or another retriable error, are retried after {@link #RETRY_BACKOFF_MS} until their marker is written
 * or their topic is deleted; a partition that refuses the marker as fenced (INVALID_PRODUCER_EPOCH,
 * TRANSACTION_COORDINATOR_FENCED) ends the job: a newer coordinator owns the transaction. Once every partition
 * has its marker, {@code onWritten} gets the transaction (the coordinator then writes COMPLETE_*).
 *
 * <p>Threads: every job runs on {@code executor} (one thread owned by the broker's executors, never a coordinator
 * runtime thread), which alone uses the channels; a blocked send delays the other jobs, not the coordinator.
 * {@link #close} may run on another thread: it marks the sender closed and closes the channels, which unblocks a
 * send in progress.
 */
public final class TransactionMarkerSender implements TransactionCoordinator.MarkerWriter {
    private static final Logger log = LoggerFactory.getLogger(TransactionMarkerSender.class);
    static final long RETRY_BACKOFF_MS = 100;
    /** Markers wait for the leader's ISR for up to 30 s (WriteTxnMarkersHandler's default): wait a little longer. */
    private static final int REQUEST_TIMEOUT_MS = 35_000;
    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
    private static final short MARKER_VERSION = 1;

    private final int brokerId;
    private final MetadataCache metadata;
    private final ScheduledExecutorService executor;
    /** Confined to {@code executor}, apart from close. */
    private final Map<Integer, BrokerChannel> channels = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;

    public TransactionMarkerSender(int brokerId, MetadataCache metadata, ScheduledExecutorService executor) {
        this.brokerId = brokerId;
        this.metadata = metadata;
        this.executor = executor;
    }

    /** One transaction's markers still to be written. Confined to the executor. */
    private static final class Job {
        final TransactionShard.PreparedEnd end;
        final Set<TopicPartition> remaining;
        final Consumer<TransactionShard.PreparedEnd> onWritten;
        int attempts;

        Job(TransactionShard.PreparedEnd end, Consumer<TransactionShard.PreparedEnd> onWritten) {
            this.end = end;
            this.remaining = new HashSet<>(end.prepared().topicPartitions());
            this.onWritten = onWritten;
        }
    }

    /** Starts writing the markers of a committed PREPARE_*; any thread, returns at once. */
    @Override
    public void send(TransactionShard.PreparedEnd end, Consumer<TransactionShard.PreparedEnd> onWritten) {
        run(new Job(end, onWritten), 0);
    }

    private void run(Job job, long delayMs) {
        if (closed) {
            return;
        }
        try {
            executor.schedule(() -> attempt(job), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Marker sender stopped; the next coordinator writes the markers of {}",
                    job.end.transactionalId());
        }
    }

    private void attempt(Job job) {
        if (closed) {
            return;
        }
        job.attempts++;
        Map<Integer, Set<TopicPartition>> byLeader = new TreeMap<>();
        for (TopicPartition tp : List.copyOf(job.remaining)) {
            Optional<TopicMetadata> topic = metadata.topic(tp.topic());
            if (topic.isEmpty() || tp.partition() >= topic.get().partitions().size()) {
                log.info("{} is gone: no {} marker needed for {}", tp, result(job), job.end.transactionalId());
                job.remaining.remove(tp);
                continue;
            }
            int leader = topic.get().partitions().get(tp.partition()).leader();
            if (leader >= 0) {
                byLeader.computeIfAbsent(leader, l -> new HashSet<>()).add(tp);
            }
        }
        boolean fenced = false;
        for (Map.Entry<Integer, Set<TopicPartition>> entry : byLeader.entrySet()) {
            fenced |= sendTo(job, entry.getKey(), entry.getValue());
        }
        if (fenced) {
            return;
        }
        if (job.remaining.isEmpty()) {
            job.onWritten.accept(job.end);
            return;
        }
        if (job.attempts % 50 == 0) {
            log.warn("{} markers of {} still not written to {} after {} attempts", result(job),
                    job.end.transactionalId(), job.remaining, job.attempts);
        }
        run(job, RETRY_BACKOFF_MS);
    }

    /** Sends one leader its partitions' markers; true if the transaction was found fenced. */
    private boolean sendTo(Job job, int leader, Set<TopicPartition> partitions) {
        Optional<BrokerRegistration> broker = metadata.broker(leader);
        if (broker.isEmpty()) {
            return false; // not live: retried once the metadata names another leader
        }
        TxnTransitMetadata prepared = job.end.prepared();
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new java.util.ArrayList<>()).add(tp.partition()));
        WriteTxnMarkersRequestData.WritableTxnMarker marker = new WriteTxnMarkersRequestData.WritableTxnMarker()
                .setProducerId(prepared.producerId())
                .setProducerEpoch(prepared.producerEpoch())
                .setCoordinatorEpoch(job.end.coordinatorEpoch())
                .setTransactionResult(prepared.txnState() == TransactionState.PREPARE_COMMIT);
        byTopic.forEach((topic, ids) -> marker.topics().add(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                .setName(topic).setPartitionIndexes(ids)));
        WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData().setMarkers(List.of(marker));
        AbstractResponse response;
        try {
            response = channel(leader).send(broker.get().host(), broker.get().port(), new V1Builder(data),
                    REQUEST_TIMEOUT_MS);
        } catch (IOException e) {
            log.debug("Sending {} markers of {} to broker {} failed: {}", result(job), job.end.transactionalId(),
                    leader, e.getMessage());
            return false;
        }
        boolean fenced = false;
        for (WriteTxnMarkersResponseData.WritableTxnMarkerResult markerResult
                : ((WriteTxnMarkersResponse) response).data().markers()) {
            for (WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topic : markerResult.topics()) {
                for (WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult p : topic.partitions()) {
                    TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                    Errors error = Errors.forCode(p.errorCode());
                    switch (error) {
                        case NONE -> job.remaining.remove(tp);
                        case INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED, PRODUCER_FENCED -> {
                            log.info("{} refused the {} marker of {} ({}): a newer coordinator owns it", tp,
                                    result(job), job.end.transactionalId(), error);
                            fenced = true;
                        }
                        default -> log.debug("{} marker of {} for {} not written yet: {}", result(job),
                                job.end.transactionalId(), tp, error);
                    }
                }
            }
        }
        return fenced;
    }

    private BrokerChannel channel(int leader) {
        return channels.computeIfAbsent(leader,
                id -> new BrokerChannel("strata-txn-markers-" + brokerId, MAX_RESPONSE_BYTES));
    }

    private static String result(Job job) {
        return job.end.prepared().txnState() == TransactionState.PREPARE_COMMIT ? "commit" : "abort";
    }

    /** Pending jobs are dropped: the next leader of each {@code __transaction_state} partition resends them. */
    @Override
    public void close() {
        closed = true;
        channels.values().forEach(BrokerChannel::close);
    }

    /** WriteTxnMarkers at v1: markers of transaction version 0/1, which every Strata broker accepts. */
    private static final class V1Builder extends AbstractRequest.Builder<WriteTxnMarkersRequest> {
        private final WriteTxnMarkersRequestData data;

        V1Builder(WriteTxnMarkersRequestData data) {
            super(ApiKeys.WRITE_TXN_MARKERS, MARKER_VERSION, MARKER_VERSION);
            this.data = data;
        }

        @Override
        public WriteTxnMarkersRequest build(short version) {
            return new WriteTxnMarkersRequest.Builder(data).build(version);
        }
    }
}
