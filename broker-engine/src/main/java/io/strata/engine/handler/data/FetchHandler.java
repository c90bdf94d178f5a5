package io.strata.engine.handler.data;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.cluster.DelayedOperationPurgatory;
import io.strata.engine.cluster.Partition;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.utils.Time;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Fetch v4-18 for consumers (bounded by the high watermark, or under read_committed by the last stable offset, with
 * the aborted transactions overlapping the returned batches from the segments' {@code .txnindex}; a long poll then
 * waits for the last stable offset to move, which it does only when the high watermark does)
 * and for follower replicas (bounded by the log end; a follower's fetch offset is what it holds durably, so
 * it moves the ISR and the high watermark, and a follower whose last fetched epoch diverges from this log is
 * told where to truncate). Only the leader serves fetches. Long-polls per fetch.max.wait.ms / fetch.min.bytes.
 *
 * <p>Fetch sessions (KIP-227, {@link FetchSessions}): a full fetch of epoch 0 opens one, and then the fetcher's
 * incremental fetches name only the partitions whose fetch state changed while the responses carry only the
 * partitions with news; epoch -1 fetches are sessionless.
 */
public final class FetchHandler extends TypedApiHandler<FetchRequest> {
    private final PartitionFetchReader reader;
    private final FetchSessions sessions;
    private final DelayedOperationPurgatory purgatory;
    private final Time time;

    public FetchHandler(PartitionFetchReader reader, FetchSessions sessions, DelayedOperationPurgatory purgatory,
                        Time time) {
        super(ApiKeys.FETCH, FetchRequest.class, 4, 18);
        this.reader = reader;
        this.sessions = sessions;
        this.purgatory = purgatory;
        this.time = time;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, FetchRequest request) {
        boolean fromFollower = request.replicaId() >= 0;
        FetchSessions.Context session = sessions.open(request, context.apiVersion(), fromFollower);
        if (session.error() != null) {
            return CompletableFuture.completedFuture(FetchSessions.errorResponse(session.error()));
        }
        List<PartitionFetchReader.Target> targets = session.targets();
        Partition.FetchBound bound = fromFollower
                ? Partition.FetchBound.LOG_END
                : request.isolationLevel() == IsolationLevel.READ_COMMITTED
                ? Partition.FetchBound.LAST_STABLE_OFFSET : Partition.FetchBound.HIGH_WATERMARK;
        int maxBytes = request.maxBytes();
        PartitionFetchReader.FollowerFetch follower = fromFollower ? new PartitionFetchReader.FollowerFetch(
                request.replicaId(), request.replicaEpoch(), time.milliseconds()) : null;
        PartitionFetchReader.Reads reads = reader.read(targets, maxBytes, bound, follower);
        if (request.maxWait() <= 0 || targets.isEmpty() || reads.anyError() || reads.bytes() >= request.minBytes()) {
            return CompletableFuture.completedFuture(respond(session, reads));
        }
        reads.release(); // the delayed fetch reads again when it completes
        CompletableFuture<ApiMessage> response = new CompletableFuture<>();
        DelayedFetch delayed = new DelayedFetch(reader, targets, maxBytes, request.minBytes(), bound,
                r -> respond(session, r), response, context.eventLoop());
        Set<TopicPartition> keys = new LinkedHashSet<>();
        for (PartitionFetchReader.Target target : targets) {
            if (target.topicName() != null) {
                keys.add(target.topicPartition());
            }
        }
        purgatory.tryCompleteElseWatch(delayed, keys, request.maxWait());
        return response;
    }

    private FetchResponseData respond(FetchSessions.Context session, PartitionFetchReader.Reads reads) {
        reader.recordDelivered(reads);
        return session.respond(reads.partitions(), FetchHandler::build);
    }

    private static FetchResponseData build(List<PartitionFetchReader.Target> targets,
                                           List<FetchResponseData.PartitionData> partitions) {
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code());
        FetchResponseData.FetchableTopicResponse current = null;
        for (int i = 0; i < targets.size(); i++) {
            PartitionFetchReader.Target target = targets.get(i);
            if (current == null || !sameTopic(current, target)) {
                current = new FetchResponseData.FetchableTopicResponse()
                        .setTopic(target.byId() ? "" : target.topicName())
                        .setTopicId(target.byId() ? target.topicId() : Uuid.ZERO_UUID);
                response.responses().add(current);
            }
            current.partitions().add(partitions.get(i));
        }
        return response;
    }

    private static boolean sameTopic(FetchResponseData.FetchableTopicResponse response,
                                     PartitionFetchReader.Target target) {
        return target.byId() ? response.topicId().equals(target.topicId())
                : response.topic().equals(target.topicName());
    }
}
