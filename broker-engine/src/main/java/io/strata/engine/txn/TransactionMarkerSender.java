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
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes the commit or abort markers of prepared transactions to their partitions (Kafka's
 * TransactionMarkerChannelManager): the partitions are grouped by their current leader in the metadata cache and
 * each leader gets a WriteTxnMarkers v2 request (each marker carrying the coordinator epoch and, KIP-1228, the
 * transaction's client transaction version, so a partition knows a version-2 marker's epoch is bumped) over a blocking {@link BrokerChannel}, this broker included (through its own listener: the same code path
 * as any other leader). Partitions without a live leader, or whose leader answers NOT_LEADER_OR_FOLLOWER, a
 * timeout or another retriable error, are retried after {@link #RETRY_BACKOFF_MS} until their marker is written
 * or their topic is deleted; a partition that refuses the marker as fenced (INVALID_PRODUCER_EPOCH,
 * TRANSACTION_COORDINATOR_FENCED) ends the job: a newer coordinator owns the transaction. Once every partition
 * has its marker, {@code onWritten} gets the transaction (the coordinator then writes COMPLETE_*).
 *
 * <p>Threads (both pools owned by the broker's executors, never a coordinator runtime thread): job state
 * ({@link Job}) is confined to {@code owner}, which plans each attempt and applies its answers; the blocking sends
 * run on {@code senders}, one {@link Lane} per destination broker (a lane runs its sends one at a time and alone
 * uses its channel), so an unreachable broker delays only the markers it leads. {@link #close} may run on any
 * thread: it marks the sender closed and closes the channels, which unblocks sends in progress.
 */
public final class TransactionMarkerSender implements TransactionCoordinator.MarkerWriter {
    private static final Logger log = LoggerFactory.getLogger(TransactionMarkerSender.class);
    static final long RETRY_BACKOFF_MS = 100;
    /** Markers wait for the leader's ISR for up to 30 s (WriteTxnMarkersHandler's default): wait a little longer. */
    private static final int REQUEST_TIMEOUT_MS = 35_000;
    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
    private static final short MARKER_VERSION = 2;

    private final int brokerId;
    private final MetadataCache metadata;
    private final ScheduledExecutorService owner;
    private final Executor senders;
    private final Map<Integer, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param owner   the thread owning job state and retries
     * @param senders where the blocking sends run (a pool growing with the number of destination brokers)
     */
    public TransactionMarkerSender(int brokerId, MetadataCache metadata, ScheduledExecutorService owner,
                                   Executor senders) {
        this.brokerId = brokerId;
        this.metadata = metadata;
        this.owner = owner;
        this.senders = senders;
    }

    /** One transaction's markers still to be written. Confined to {@code owner}. */
    private static final class Job {
        final TransactionShard.PreparedEnd end;
        final Set<TopicPartition> remaining;
        final Consumer<TransactionShard.PreparedEnd> onWritten;
        int attempts;
        /** Sends of the current attempt not answered yet. */
        int outstanding;
        boolean fenced;

        Job(TransactionShard.PreparedEnd end, Consumer<TransactionShard.PreparedEnd> onWritten) {
            this.end = end;
            this.remaining = new HashSet<>(end.prepared().topicPartitions());
            this.onWritten = onWritten;
        }
    }

    /** Starts writing the markers of a committed PREPARE_*; any thread, returns at once. */
    @Override
    public void send(TransactionShard.PreparedEnd end, Consumer<TransactionShard.PreparedEnd> onWritten) {
        schedule(new Job(end, onWritten), 0);
    }

    private void schedule(Job job, long delayMs) {
        if (closed) {
            return;
        }
        try {
            owner.schedule(() -> attempt(job), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Marker sender stopped; the next coordinator writes the markers of {}",
                    job.end.transactionalId());
        }
    }

    /** On {@code owner}: sends every remaining partition's marker to its leader's lane. */
    private void attempt(Job job) {
        if (closed) {
            return;
        }
        job.attempts++;
        Map<Integer, List<TopicPartition>> byLeader = new TreeMap<>();
        for (TopicPartition tp : List.copyOf(job.remaining)) {
            Optional<TopicMetadata> topic = metadata.topic(tp.topic());
            if (topic.isEmpty() || tp.partition() >= topic.get().partitions().size()) {
                log.info("{} is gone: no {} marker needed for {}", tp, result(job), job.end.transactionalId());
                job.remaining.remove(tp);
                continue;
            }
            int leader = topic.get().partitions().get(tp.partition()).leader();
            if (leader >= 0) {
                byLeader.computeIfAbsent(leader, l -> new ArrayList<>()).add(tp);
            }
        }
        for (Map.Entry<Integer, List<TopicPartition>> entry : byLeader.entrySet()) {
            Optional<BrokerRegistration> broker = metadata.broker(entry.getKey());
            if (broker.isEmpty()) {
                continue; // not live: retried once the metadata names another leader
            }
            WriteTxnMarkersRequestData request = request(job.end, entry.getValue());
            job.outstanding++;
            lane(entry.getKey()).execute(() -> {
                Map<TopicPartition, Errors> answer = sendBlocking(lane(entry.getKey()).channel, broker.get(), request);
                onOwner(() -> onAnswer(job, answer));
            });
        }
        if (job.outstanding == 0) {
            finishOrRetry(job);
        }
    }

    /** On {@code owner}: one leader's answer (empty if it could not be reached). */
    private void onAnswer(Job job, Map<TopicPartition, Errors> answer) {
        answer.forEach((tp, error) -> {
            switch (error) {
                case NONE -> job.remaining.remove(tp);
                case INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED, PRODUCER_FENCED -> {
                    log.info("{} refused the {} marker of {} ({}): a newer coordinator owns it", tp, result(job),
                            job.end.transactionalId(), error);
                    job.fenced = true;
                }
                default -> log.debug("{} marker of {} for {} not written yet: {}", result(job),
                        job.end.transactionalId(), tp, error);
            }
        });
        if (--job.outstanding == 0) {
            finishOrRetry(job);
        }
    }

    private void finishOrRetry(Job job) {
        if (job.fenced) {
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
        schedule(job, RETRY_BACKOFF_MS);
    }

    private static WriteTxnMarkersRequestData request(TransactionShard.PreparedEnd end, List<TopicPartition> partitions) {
        TxnTransitMetadata prepared = end.prepared();
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        WriteTxnMarkersRequestData.WritableTxnMarker marker = new WriteTxnMarkersRequestData.WritableTxnMarker()
                .setProducerId(prepared.producerId())
                .setProducerEpoch(prepared.producerEpoch())
                .setCoordinatorEpoch(end.coordinatorEpoch())
                .setTransactionResult(prepared.txnState() == TransactionState.PREPARE_COMMIT)
                .setTransactionVersion((byte) prepared.clientTransactionVersion().featureLevel());
        byTopic.forEach((topic, ids) -> marker.topics().add(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                .setName(topic).setPartitionIndexes(ids)));
        return new WriteTxnMarkersRequestData().setMarkers(List.of(marker));
    }

    /** On a lane: the per-partition errors of one request, or none if the leader could not be reached. */
    private Map<TopicPartition, Errors> sendBlocking(BrokerChannel channel, BrokerRegistration broker,
                                                     WriteTxnMarkersRequestData request) {
        Map<TopicPartition, Errors> answer = new HashMap<>();
        if (closed) {
            return answer;
        }
        WriteTxnMarkersResponse response;
        try {
            response = (WriteTxnMarkersResponse) channel.send(broker.host(), broker.port(), new MarkerRequestBuilder(request),
                    REQUEST_TIMEOUT_MS);
        } catch (IOException e) {
            log.debug("Sending transaction markers to broker {} failed: {}", broker.brokerId(), e.getMessage());
            return answer;
        }
        for (WriteTxnMarkersResponseData.WritableTxnMarkerResult marker : response.data().markers()) {
            for (WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topic : marker.topics()) {
                for (WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult p : topic.partitions()) {
                    answer.put(new TopicPartition(topic.name(), p.partitionIndex()), Errors.forCode(p.errorCode()));
                }
            }
        }
        return answer;
    }

    private void onOwner(Runnable task) {
        try {
            owner.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("Marker sender stopped");
        }
    }

    private Lane lane(int broker) {
        return lanes.computeIfAbsent(broker, id -> new Lane(new BrokerChannel("strata-txn-markers-" + brokerId,
                MAX_RESPONSE_BYTES)));
    }

    private static String result(Job job) {
        return job.end.prepared().txnState() == TransactionState.PREPARE_COMMIT ? "commit" : "abort";
    }

    /** Pending jobs are dropped: the next leader of each {@code __transaction_state} partition resends them. */
    @Override
    public void close() {
        closed = true;
        lanes.values().forEach(lane -> lane.channel.close());
    }

    /**
     * The sends to one destination broker, run one at a time in order on {@code senders}. {@code queue} and
     * {@code running} are guarded by the lane's monitor, never held while a send runs.
     */
    private final class Lane implements Executor {
        final BrokerChannel channel;
        private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        private boolean running;

        Lane(BrokerChannel channel) {
            this.channel = channel;
        }

        @Override
        public void execute(Runnable send) {
            synchronized (this) {
                queue.add(send);
                if (running) {
                    return;
                }
                running = true;
            }
            try {
                senders.execute(this::drain);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    queue.clear();
                    running = false;
                }
            }
        }

        private void drain() {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = queue.poll();
                    if (next == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException e) {
                    log.error("Sending transaction markers failed", e);
                }
            }
        }
    }

    /** WriteTxnMarkers at v2, which every Strata broker serves (v1 brokers are not a concern). */
    private static final class MarkerRequestBuilder extends AbstractRequest.Builder<WriteTxnMarkersRequest> {
        private final WriteTxnMarkersRequestData data;

        MarkerRequestBuilder(WriteTxnMarkersRequestData data) {
            super(ApiKeys.WRITE_TXN_MARKERS, MARKER_VERSION, MARKER_VERSION);
            this.data = data;
        }

        @Override
        public WriteTxnMarkersRequest build(short version) {
            return new WriteTxnMarkersRequest.Builder(data).build(version);
        }
    }
}
