package io.strata.engine.handler.data;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.log.segment.OffsetAndEpoch;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.network.RequestContext;
import io.strata.engine.metadata.MetadataCache;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ListOffsetsRequest;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets v1-11: earliest, latest, max timestamp and first offset at-or-after a timestamp. Consumers
 * only ever learn offsets they could fetch: below the high watermark (or the last stable offset for
 * read_committed); replicas may see up to the log end.
 */
public final class ListOffsetsHandler extends TypedApiHandler<ListOffsetsRequest> {

    private static final long UNKNOWN_OFFSET = -1L;
    /** ListOffsets v4 added the leader epoch; older versions (librdkafka sends v2) must not carry one. */
    private static final short LEADER_EPOCH_VERSION = 4;

    private final MetadataCache metadata;
    private final ReplicaManager replicaManager;

    public ListOffsetsHandler(MetadataCache metadata, ReplicaManager replicaManager) {
        super(ApiKeys.LIST_OFFSETS, ListOffsetsRequest.class, 1, 11);
        this.metadata = metadata;
        this.replicaManager = replicaManager;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, ListOffsetsRequest request) {
        Set<TopicPartition> duplicates = request.duplicatePartitions();
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : request.topics()) {
            ListOffsetsResponseData.ListOffsetsTopicResponse topicResponse =
                    new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                ListOffsetsResponseData.ListOffsetsPartitionResponse result = duplicates.contains(tp)
                        ? error(p.partitionIndex(), Errors.INVALID_REQUEST)
                        : listOffset(request, tp, p);
                if (context.apiVersion() < LEADER_EPOCH_VERSION) {
                    result.setLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH);
                }
                topicResponse.partitions().add(result);
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private ListOffsetsResponseData.ListOffsetsPartitionResponse listOffset(ListOffsetsRequest request, TopicPartition tp,
                                                                            ListOffsetsRequestData.ListOffsetsPartition p) {
        Partition partition = replicaManager.partition(tp).orElse(null);
        if (partition == null) {
            Errors error = metadata.missingPartitionError(tp);
            return error(p.partitionIndex(), error);
        }
        try {
            partition.checkLeader(); // followers serve no clients (no KIP-392 fetch-from-follower)
            partition.checkLeaderEpoch(p.currentLeaderEpoch());
            PartitionLog log = partition.log();
            long fetchable = request.replicaId() >= 0 ? log.logEndOffset()
                    : request.isolationLevel() == IsolationLevel.READ_COMMITTED
                    ? partition.lastStableOffset() : log.highWatermark();
            Optional<OffsetAndEpoch> found = find(p.timestamp(), partition, log, fetchable);
            ListOffsetsResponseData.ListOffsetsPartitionResponse out = new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                    .setPartitionIndex(p.partitionIndex())
                    .setErrorCode(Errors.NONE.code())
                    .setTimestamp(RecordBatch.NO_TIMESTAMP)
                    .setOffset(UNKNOWN_OFFSET)
                    .setLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH);
            found.ifPresent(o -> out.setTimestamp(o.timestamp()).setOffset(o.offset()).setLeaderEpoch(o.leaderEpoch()));
            return out;
        } catch (RuntimeException e) {
            return error(p.partitionIndex(), Errors.forException(e));
        }
    }

    private static Optional<OffsetAndEpoch> find(long timestamp, Partition partition, PartitionLog log, long fetchable) {
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            return Optional.of(new OffsetAndEpoch(fetchable, RecordBatch.NO_TIMESTAMP,
                    log.leaderEpochCache().latestEpoch().orElse(RecordBatch.NO_PARTITION_LEADER_EPOCH)));
        }
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            long start = log.logStartOffset();
            return Optional.of(new OffsetAndEpoch(start, RecordBatch.NO_TIMESTAMP,
                    partition.leaderEpochForOffset(start).orElse(RecordBatch.NO_PARTITION_LEADER_EPOCH)));
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
            // No tiered storage: nothing is uploaded or pending upload.
            return Optional.empty();
        }
        Optional<OffsetAndEpoch> candidate;
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            candidate = log.offsetOfMaxTimestamp();
        } else if (timestamp >= 0) {
            candidate = log.offsetForTimestamp(timestamp);
        } else {
            throw new InvalidRequestException("Unknown ListOffsets timestamp " + timestamp);
        }
        return candidate.filter(o -> o.offset() < fetchable);
    }

    private static ListOffsetsResponseData.ListOffsetsPartitionResponse error(int partition, Errors error) {
        return new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                .setPartitionIndex(partition)
                .setErrorCode(error.code())
                .setTimestamp(RecordBatch.NO_TIMESTAMP)
                .setOffset(UNKNOWN_OFFSET)
                .setLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }
}
