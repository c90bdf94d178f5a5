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
import org.apache.kafka.common.requests.FetchMetadata;
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
 * <p>Fetch sessions (KIP-227) are not created: every response carries session id 0, which tells the
 * client to keep sending full fetch requests. That is the protocol's sessionless mode, not an error.
 */
public final class FetchHandler extends TypedApiHandler<FetchRequest> {
    private final PartitionFetchReader reader;
    private final DelayedOperationPurgatory purgatory;
    private final Time time;

    public FetchHandler(PartitionFetchReader reader, DelayedOperationPurgatory purgatory, Time time) {
        super(ApiKeys.FETCH, FetchRequest.class, 4, 18);
        this.reader = reader;
        this.purgatory = purgatory;
        this.time = time;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, FetchRequest request) {
        if (request.metadata().sessionId() != FetchMetadata.INVALID_SESSION_ID) {
            // We never hand out a session id, so a client naming one is talking about a session we don't know.
            return CompletableFuture.completedFuture(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()));
        }
        boolean byId = context.apiVersion() >= 13;
        List<PartitionFetchReader.Target> targets = reader.resolve(request.data(), byId);
        boolean fromFollower = request.replicaId() >= 0;
        Partition.FetchBound bound = fromFollower
                ? Partition.FetchBound.LOG_END
                : request.isolationLevel() == IsolationLevel.READ_COMMITTED
                ? Partition.FetchBound.LAST_STABLE_OFFSET : Partition.FetchBound.HIGH_WATERMARK;
        int maxBytes = request.maxBytes();
        PartitionFetchReader.FollowerFetch follower = fromFollower ? new PartitionFetchReader.FollowerFetch(
                request.replicaId(), request.replicaEpoch(), time.milliseconds()) : null;
        PartitionFetchReader.Reads reads = reader.read(targets, maxBytes, bound, follower);
        if (request.maxWait() <= 0 || targets.isEmpty() || reads.anyError() || reads.bytes() >= request.minBytes()) {
            return CompletableFuture.completedFuture(build(targets, reads));
        }
        reads.release(); // the delayed fetch reads again when it completes
        CompletableFuture<ApiMessage> response = new CompletableFuture<>();
        DelayedFetch delayed = new DelayedFetch(reader, targets, maxBytes, request.minBytes(), bound,
                r -> build(targets, r), response);
        Set<TopicPartition> keys = new LinkedHashSet<>();
        for (PartitionFetchReader.Target target : targets) {
            if (target.topicName() != null) {
                keys.add(target.topicPartition());
            }
        }
        purgatory.tryCompleteElseWatch(delayed, keys, request.maxWait());
        return response;
    }

    private FetchResponseData build(List<PartitionFetchReader.Target> targets, PartitionFetchReader.Reads reads) {
        reader.recordDelivered(reads);
        FetchResponseData response = new FetchResponseData()
                .setErrorCode(Errors.NONE.code())
                .setSessionId(FetchMetadata.INVALID_SESSION_ID);
        FetchResponseData.FetchableTopicResponse current = null;
        for (int i = 0; i < targets.size(); i++) {
            PartitionFetchReader.Target target = targets.get(i);
            if (current == null || !sameTopic(current, target)) {
                current = new FetchResponseData.FetchableTopicResponse()
                        .setTopic(target.byId() ? "" : target.topicName())
                        .setTopicId(target.byId() ? target.topicId() : Uuid.ZERO_UUID);
                response.responses().add(current);
            }
            current.partitions().add(reads.partitions().get(i));
        }
        return response;
    }

    private static boolean sameTopic(FetchResponseData.FetchableTopicResponse response,
                                     PartitionFetchReader.Target target) {
        return target.byId() ? response.topicId().equals(target.topicId())
                : response.topic().equals(target.topicName());
    }
}
